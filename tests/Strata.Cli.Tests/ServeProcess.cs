using System.Diagnostics;

namespace Strata.Cli.Tests;

/// <summary>
/// `strata serve` as a child process, started as a service manager starts it: given arguments, environment and
/// working directory, with no STRATA_* variable of the test's own shell. Returns once it prints its serving line.
/// </summary>
internal sealed class ServeProcess : IAsyncDisposable
{
    private const string ServingMarker = "serving S3 at ";
    private readonly Process _process;
    private readonly System.Text.StringBuilder _output;

    private ServeProcess(Process process, System.Text.StringBuilder output, string servingLine)
    {
        _process = process;
        _output = output;
        ServingLine = servingLine;
        var url = servingLine[(servingLine.IndexOf(ServingMarker, StringComparison.Ordinal) + ServingMarker.Length)..];
        Endpoint = new Uri(url[..url.IndexOf(' ')]);
    }

    public string ServingLine { get; }
    public Uri Endpoint { get; }
    public int ProcessId => _process.Id;

    public static async Task<ServeProcess> StartAsync(string binary, IEnumerable<string> arguments, IDictionary<string, string> environment, string workingDirectory)
    {
        var start = new ProcessStartInfo(binary)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("STRATA_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        var process = Process.Start(start)!;
        var output = new System.Text.StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync();
        // Not a timing assertion: a server that never serves would otherwise hang the run.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.Contains(ServingMarker, StringComparison.Ordinal))
                {
                    _ = DrainAsync(process.StandardOutput, output);
                    return new ServeProcess(process, output, line);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        var message = $"strata serve did not serve (exit {process.ExitCode}):\n{output}\n{await stderr}";
        process.Dispose();
        throw new InvalidOperationException(message);
    }

    private static async Task DrainAsync(StreamReader reader, System.Text.StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output) output.AppendLine(line);
        }
    }

    public string Output
    {
        get
        {
            lock (_output) return _output.ToString();
        }
    }

    /// <summary>SIGTERM, as systemctl stop sends it; the exit code.</summary>
    public async Task<int> StopAsync()
    {
        using (var signal = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!)
        {
            await signal.WaitForExitAsync();
        }
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

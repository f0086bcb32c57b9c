using System.Diagnostics;
using Amazon.Runtime;

namespace Strata.Cli.Tests;

/// <summary>
/// `strata serve` as a child process, started as an operator or a service manager starts it: given arguments,
/// environment and working directory, with no STRATA_* variable of the test's own shell. Returns once it prints where it
/// serves S3 and metrics. For what only a whole process shows: its own /metrics, which no other server in the test
/// process adds to; a restart on the same directory; settings read from files and the environment.
/// </summary>
public sealed class ServeProcess : IAsyncDisposable
{
    private const string ServingMarker = "serving S3 at ";
    private const string MetricsMarker = "Prometheus metrics at ";
    // Not a timing assertion: a server that never serves would otherwise hang the run.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly System.Text.StringBuilder _output;

    private ServeProcess(Process process, System.Text.StringBuilder output, string servingLine, string metricsLine)
    {
        _process = process;
        _output = output;
        ServingLine = servingLine;
        Endpoint = UrlAfter(servingLine, ServingMarker);
        Metrics = UrlAfter(metricsLine, MetricsMarker);
    }

    /// <summary>The "Strata is serving S3 at URL …" line.</summary>
    public string ServingLine { get; }

    /// <summary>The S3 endpoint (0.0.0.0 read as 127.0.0.1).</summary>
    public Uri Endpoint { get; }

    /// <summary>The URL of the "Prometheus metrics at URL" line.</summary>
    public Uri Metrics { get; }

    public int ProcessId => _process.Id;

    /// <summary>Starts the published `strata serve --data DATA` with the tests' root key and <paramref name="options"/>.</summary>
    public static Task<ServeProcess> StartAsync(string dataDirectory, params string[] options) =>
        StartAsync(StrataCli.Binary, new[] { "serve", "--data", dataDirectory }.Concat(options),
            new Dictionary<string, string> { ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey, ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey },
            Environment.CurrentDirectory);

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
        using var limit = new CancellationTokenSource(StartLimit);
        string? serving = null;
        try
        {
            // serve prints the S3 line, then the metrics line, once it listens.
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                output.AppendLine(line);
                if (line.Contains(ServingMarker, StringComparison.Ordinal)) serving = line;
                else if (serving is not null && line.Contains(MetricsMarker, StringComparison.Ordinal))
                {
                    _ = DrainAsync(process.StandardOutput, output);
                    return new ServeProcess(process, output, serving, line);
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

    private static Uri UrlAfter(string line, string marker)
    {
        var url = line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..];
        var end = url.IndexOf(' ');
        return new Uri((end < 0 ? url : url[..end]).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
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

    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(StrataServer.AccessKey, StrataServer.SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    /// <summary>An HTTP client that goes straight to the server, whatever proxy the machine sets.</summary>
    public static HttpClient Http() => new(new HttpClientHandler { UseProxy = false });

    /// <summary>SIGTERM, as Ctrl-C or systemctl stop sends it: in-flight requests finish and the engine closes. The exit code.</summary>
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

    /// <summary>Stops it as <see cref="StopAsync"/> does, or kills it when it does not stop within the limit.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        _process.Dispose();
    }
}

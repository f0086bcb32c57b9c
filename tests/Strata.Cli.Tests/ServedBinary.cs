using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.Runtime;

namespace Strata.Cli.Tests;

/// <summary>
/// `strata serve` run as a child process on a temp data directory, as an operator runs it: for what only a whole process
/// shows (its own /metrics, which no other server in the test process adds to; a restart on the same directory).
/// </summary>
public sealed class ServedBinary : IAsyncDisposable
{
    // Not a timing assertion: a server that never prints its serving line would otherwise hang the run.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ServedBinary(Process process, ConcurrentQueue<string> output, Uri endpoint, Uri metrics)
    {
        _process = process;
        _output = output;
        Endpoint = endpoint;
        Metrics = metrics;
    }

    public Uri Endpoint { get; }

    /// <summary>The URL of the "Prometheus metrics at URL" line.</summary>
    public Uri Metrics { get; }

    public string Output => string.Join('\n', _output);

    /// <summary>Starts `strata serve --data DATA` with <paramref name="options"/> and returns once it prints where it serves.</summary>
    public static async Task<ServedBinary> StartAsync(string dataDirectory, params string[] options)
    {
        var output = new ConcurrentQueue<string>();
        var serving = new TaskCompletionSource<(Uri, Uri)>(TaskCreationOptions.RunContinuationsAsynchronously);
        Uri? endpoint = null;
        var start = new ProcessStartInfo(StrataCli.Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "serve", "--data", dataDirectory }.Concat(options)) start.ArgumentList.Add(argument);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("STRATA_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey;
        start.Environment["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            if (UrlAfter(e.Data, "serving S3 at ") is { } s3) endpoint = s3;
            if (UrlAfter(e.Data, "Prometheus metrics at ") is { } metrics && endpoint is not null) serving.TrySetResult((endpoint, metrics));
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) output.Enqueue("stderr: " + e.Data);
        };
        process.Exited += (_, _) => serving.TrySetException(new InvalidOperationException("strata serve exited."));
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var (s3Endpoint, metricsUrl) = await serving.Task.WaitAsync(StartLimit);
            return new ServedBinary(process, output, s3Endpoint, metricsUrl);
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            throw new InvalidOperationException($"strata serve did not start ({error.Message}). Its output:\n{string.Join('\n', output)}", error);
        }
    }

    private static Uri? UrlAfter(string line, string marker)
    {
        var at = line.IndexOf(marker, StringComparison.Ordinal);
        if (at < 0) return null;
        var url = line[(at + marker.Length)..];
        var end = url.IndexOf(' ');
        return new Uri((end < 0 ? url : url[..end]).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal));
    }

    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(StrataServer.AccessKey, StrataServer.SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    /// <summary>An HTTP client that goes straight to the server, whatever proxy the machine sets.</summary>
    public static HttpClient Http() => new(new HttpClientHandler { UseProxy = false });

    /// <summary>Stops it as Ctrl-C would (SIGTERM): in-flight requests finish and the engine closes.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        _process.Dispose();
    }
}

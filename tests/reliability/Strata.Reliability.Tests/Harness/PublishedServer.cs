using System.Collections.Concurrent;
using System.Diagnostics;
using Amazon.Runtime;

namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// The published `strata` binary running as a child process on 127.0.0.1 with an ephemeral port. The tests
/// kill it with SIGKILL (<see cref="Process.Kill(bool)"/>), so nothing it does on a clean shutdown can hide a
/// durability bug.
/// </summary>
internal sealed class PublishedServer : IAsyncDisposable
{
    public const string AccessKey = StrataServer.AccessKey;
    public const string SecretKey = StrataServer.SecretKey;
    private const string ServingMarker = "serving S3 at ";

    // Not a timing assertion: a server that never prints its serving line would otherwise hang the run.
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private PublishedServer(Process process, ConcurrentQueue<string> output, Uri endpoint, TimeSpan startTime)
    {
        _process = process;
        _output = output;
        Endpoint = endpoint;
        StartTime = startTime;
    }

    public Uri Endpoint { get; }

    /// <summary>How long the server took to print its serving line; used to aim kills during recovery.</summary>
    public TimeSpan StartTime { get; }

    public string Output => string.Join('\n', _output);

    /// <summary>From the server's "Start-up recovery removed N unreferenced blob file(s)." notice.</summary>
    public int OrphansSweptAtStart
    {
        get
        {
            foreach (var line in _output)
            {
                var match = System.Text.RegularExpressions.Regex.Match(line, @"recovery removed (\d+) unreferenced");
                if (match.Success) return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
            return 0;
        }
    }

    /// <summary>The published binary, found from the repository root (the folder holding Strata.slnx).</summary>
    public static string Binary
    {
        get
        {
            var root = RepositoryRoot();
            var binary = Path.Combine(root, "artifacts", "strata", OperatingSystem.IsWindows() ? "strata.exe" : "strata");
            if (!File.Exists(binary))
            {
                Assert.Fail($"The published server is missing at {binary}. Run `dotnet publish src/Strata.Cli -c Release -o artifacts/strata` " +
                    "in the repository root first (tests/run-all publishes before it runs the tests).");
            }
            return binary;
        }
    }

    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Strata.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Strata.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>Starts the binary and returns once it prints its serving line (it accepts requests from then on).</summary>
    /// <param name="options">More `strata serve` options, e.g. --access-log.</param>
    public static async Task<PublishedServer> StartAsync(Sandbox sandbox, params string[] options)
    {
        var output = new ConcurrentQueue<string>();
        var serving = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var watch = Stopwatch.StartNew();
        var process = Launch(sandbox, output, options, line =>
        {
            var at = line.IndexOf(ServingMarker, StringComparison.Ordinal);
            if (at < 0) return;
            var url = line[(at + ServingMarker.Length)..];
            var end = url.IndexOf(' ');
            serving.TrySetResult(new Uri(end < 0 ? url : url[..end]));
        });
        process.Exited += (_, _) => serving.TrySetException(new InvalidOperationException("The server exited before serving."));
        if (process.HasExited) serving.TrySetException(new InvalidOperationException("The server exited before serving."));
        try
        {
            var endpoint = await serving.Task.WaitAsync(StartLimit);
            return new PublishedServer(process, output, endpoint, watch.Elapsed);
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
            throw new InvalidOperationException($"The server did not start ({error.Message}). Its output:\n{string.Join('\n', output)}", error);
        }
    }

    /// <summary>Starts the binary and kills it after <paramref name="delay"/>, whatever it was doing (recovery included).</summary>
    public static async Task<bool> StartAndKillAsync(Sandbox sandbox, TimeSpan delay)
    {
        var output = new ConcurrentQueue<string>();
        var servedBeforeKill = false;
        using var process = Launch(sandbox, output, [], line => servedBeforeKill |= line.Contains(ServingMarker, StringComparison.Ordinal));
        await Task.Delay(delay);
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
        return servedBeforeKill;
    }

    private static Process Launch(Sandbox sandbox, ConcurrentQueue<string> output, string[] options, Action<string> onLine)
    {
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = sandbox.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "serve", "--data", sandbox.DataDirectory, "--listen", "127.0.0.1:0" }.Concat(options)) start.ArgumentList.Add(argument);
        // Settings of the machine running the tests must not leak in (region, domain, a data directory).
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("STRATA_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        start.Environment["STRATA_ROOT_ACCESS_KEY"] = AccessKey;
        start.Environment["STRATA_ROOT_SECRET_KEY"] = SecretKey;
        foreach (var (name, value) in sandbox.ServerEnvironment) start.Environment[name] = value;
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        // Both pipes are drained continuously: a full pipe would block the server's console writes.
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            output.Enqueue(e.Data);
            onLine(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) output.Enqueue("stderr: " + e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The server's process id, for /proc/&lt;pid&gt;/status.</summary>
    public int ProcessId => _process.Id;

    /// <summary>
    /// A clean stop: SIGTERM (what systemd and `docker stop` send), then waits up to <paramref name="limit"/>
    /// for the process to exit. Returns its exit code and how long it took, or null for the code when it was
    /// still running at the limit (it is then killed, so the run goes on).
    /// </summary>
    public async Task<(int? ExitCode, TimeSpan Elapsed)> StopAsync(TimeSpan limit)
    {
        var watch = Stopwatch.StartNew();
        if (!_process.HasExited)
        {
            // Process has no SIGTERM API; Kill() is SIGKILL.
            using var signal = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
            await signal.WaitForExitAsync();
        }
        using var deadline = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            await KillAsync();
            return (null, watch.Elapsed);
        }
        return (_process.ExitCode, watch.Elapsed);
    }

    /// <summary>SIGKILL: no shutdown hook, no flush, no drain of queued commits.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <param name="timeout">Per request; the SDK's default suits everything but multi-GiB bodies on a busy machine.</param>
    public AmazonS3Client CreateClient(TimeSpan? timeout = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        };
        if (timeout is { } limit) config.Timeout = limit; // the setter refuses null
        return new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), config);
    }

    public SignedRequests CreateSigned(string secretKey = SecretKey, string region = "us-east-1") => new(Endpoint, AccessKey, secretKey, region);

    public async Task<bool> IsHealthyAsync()
    {
        using var http = new HttpClient { BaseAddress = Endpoint };
        try
        {
            using var response = await http.GetAsync("/_strata/health");
            return response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync()).StartsWith("ok", StringComparison.Ordinal);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }
}

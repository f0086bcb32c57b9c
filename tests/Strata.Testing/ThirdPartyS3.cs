using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;
using Xunit;

namespace Strata.Testing;

/// <summary>
/// Another vendor's S3 server on 127.0.0.1, started by the test: moto_server (<c>python3 -m moto.server</c>, when
/// <c>import moto</c> works) or else s3rver 3.7.1 from npm (installed once into STRATA_S3RVER_DIR, default
/// ~/.cache/strata/s3rver). Neither: the tests that need one are skipped with the reason (<see cref="ThirdPartyFactAttribute"/>).
/// </summary>
public sealed class ThirdPartyS3 : IAsyncLifetime
{
    private const string S3rverVersion = "3.7.1";
    private static readonly Lazy<(string? Kind, string Reason)> Found = new(Find);
    private Process? _process;
    private string? _directory;

    /// <summary>Which server: "moto" or "s3rver"; null when none can be run here.</summary>
    public static string? Kind => Found.Value.Kind;

    /// <summary>Why no server can be run here.</summary>
    public static string SkipReason => Found.Value.Reason;

    /// <summary>moto keeps versions; s3rver 3.7.1 has no versioning.</summary>
    public bool SupportsVersioning => Kind == "moto";

    public Uri Endpoint { get; private set; } = new("http://127.0.0.1:1");

    // moto takes any key; s3rver takes its documented default pair.
    public string AccessKey => Kind == "moto" ? "testing" : "S3RVER";

    public string SecretKey => Kind == "moto" ? "testing" : "S3RVER";

    public async Task InitializeAsync()
    {
        if (Kind is null) return;
        var port = FreePort();
        Endpoint = new Uri($"http://127.0.0.1:{port}");
        ProcessStartInfo start;
        if (Kind == "moto")
        {
            start = new ProcessStartInfo(Python, ["-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString()]);
        }
        else
        {
            _directory = Path.Combine(Path.GetTempPath(), "strata-s3rver-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(_directory);
            start = new ProcessStartInfo("node", [Path.Combine(S3rverDirectory, "node_modules", "s3rver", "bin", "s3rver.js"), "--address", "127.0.0.1", "--port", port.ToString(), "--directory", _directory, "--silent"]);
        }
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Kind} did not start");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 300; attempt++)
        {
            if (_process.HasExited) throw new InvalidOperationException($"{Kind} exited with {_process.ExitCode} before listening on port {port}");
            try
            {
                using var tcp = new TcpClient();
                await tcp.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"{Kind} did not listen on port {port} within 30 s");
    }

    public AmazonS3Client CreateClient() => new(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
    {
        ServiceURL = Endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = "us-east-1",
    });

    /// <summary>How `strata mirror` must write to it: s3rver stores an aws-chunked body's framing as content (strata mirror --dst-plain-upload).</summary>
    public Strata.Client.Mirror.MirrorOptions MirrorOptions() => new() { PlainUploads = Kind == "s3rver" };

    public async Task DisposeAsync()
    {
        if (_process is { } process)
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            process.Dispose();
        }
        if (_directory is not null && Directory.Exists(_directory)) Directory.Delete(_directory, recursive: true);
    }

    private static string Python => Environment.GetEnvironmentVariable("STRATA_PYTHON") is { Length: > 0 } python ? python : "python3";

    private static string S3rverDirectory => Environment.GetEnvironmentVariable("STRATA_S3RVER_DIR") is { Length: > 0 } directory ? directory
        : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "strata", "s3rver");

    private static (string? Kind, string Reason) Find()
    {
        if (Run(Python, ["-c", "import moto.server"], TimeSpan.FromSeconds(30)).Ok) return ("moto", "");
        var installed = Path.Combine(S3rverDirectory, "node_modules", "s3rver", "bin", "s3rver.js");
        if (!File.Exists(installed))
        {
            if (!Run("node", ["--version"], TimeSpan.FromSeconds(10)).Ok) return (null, "No third-party S3 server: `import moto` fails and node is not installed for s3rver.");
            var npm = Run("npm", ["install", "--no-audit", "--no-fund", "--prefix", S3rverDirectory, $"s3rver@{S3rverVersion}"], TimeSpan.FromMinutes(3));
            if (!npm.Ok || !File.Exists(installed)) return (null, $"No third-party S3 server: `import moto` fails and `npm install s3rver@{S3rverVersion}` did not work ({npm.Output.Trim()}).");
        }
        return ("s3rver", "");
    }

    private static (bool Ok, string Output) Run(string file, string[] args, TimeSpan limit)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"{file} took longer than {limit.TotalSeconds:0} s");
            }
            var text = error.Result + output.Result;
            return (process.ExitCode == 0, text.Length > 400 ? text[^400..] : text);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, $"{file}: {e.Message}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>A test against another vendor's S3 server (<see cref="ThirdPartyS3"/>); skipped, with the reason, where none can be run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ThirdPartyFactAttribute : FactAttribute
{
    public ThirdPartyFactAttribute()
    {
        if (ThirdPartyS3.Kind is null) Skip = ThirdPartyS3.SkipReason;
    }
}

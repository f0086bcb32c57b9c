using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Server.Hosting;
using Xunit;

namespace Strata.Testing;

/// <summary>
/// A real Strata server on 127.0.0.1 with an ephemeral port and a temporary data directory,
/// started once per test class and removed afterwards.
/// </summary>
public class StrataServer : IAsyncLifetime
{
    public const string AccessKey = "STRATATESTROOTKEY0001";
    public const string SecretKey = "strata-test-secret-key-0123456789abcdefgh";
    private static int _bucketCounter;
    private StrataHost? _host;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "strata-test-" + Guid.NewGuid().ToString("N")[..12]);

    public Uri Endpoint => Host.Endpoint;

    public StrataHost Host => _host ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => await StartAsync();

    /// <summary>Serve HTTPS with a generated certificate (see <see cref="CreateClient"/>, which trusts its CA).</summary>
    protected virtual bool Tls => false;

    /// <summary>The region the server answers for.</summary>
    protected virtual string Region => "us-east-1";

    /// <summary>Whether the server accepts Signature Version 2 (strata serve --sigv2).</summary>
    protected virtual bool SigV2 => true;

    /// <summary>The Object Ownership of buckets created without one (strata serve --default-object-ownership).</summary>
    protected virtual Strata.Core.Acls.ObjectOwnership? DefaultObjectOwnership => null;

    /// <summary>The server's clock; tests move it forward to reach the next MFA code.</summary>
    public ShiftableTime Time { get; } = new();

    /// <summary>strata serve --scrub-interval (zero, the default: only `strata admin scrub`), applied at the next start.</summary>
    public TimeSpan ScrubInterval { get; set; }

    /// <summary>What the last start printed, as `strata serve` prints it to its console.</summary>
    public string StartOutput { get; private set; } = "";

    /// <summary>Serve on the same port after a restart (a replication test's destination, whose URL the source keeps).</summary>
    public bool KeepPort { get; init; }

    /// <summary>Settings beyond the fixture's (e.g. the replicator's retry cap), applied before each start.</summary>
    public Action<StrataServerOptions>? Configure { get; init; }

    private int? _port;

    public async Task StartAsync()
    {
        using var console = new StringWriter();
        var options = new StrataServerOptions
        {
            DataDirectory = DataDirectory,
            Listen = _port is { } port ? $"127.0.0.1:{port}" : "127.0.0.1:0",
            RootAccessKey = AccessKey,
            RootSecretKey = SecretKey,
            Tls = Tls,
            Region = Region,
            SigV2 = SigV2,
            DefaultObjectOwnership = DefaultObjectOwnership,
            Time = Time,
            ScrubInterval = ScrubInterval,
        };
        Configure?.Invoke(options);
        _host = await StrataHost.StartAsync(options, console);
        if (KeepPort) _port = _host.Endpoint.Port;
        StartOutput = console.ToString();
    }

    /// <summary>An HTTP handler that trusts the server's generated CA (for HTTPS servers) and nothing else extra.</summary>
    public HttpMessageHandler CreateHandler() =>
        Host.CaCertificatePath is { } caPath ? Strata.Client.Connection.TrustedCa.CreateHandler(caPath) : new SocketsHttpHandler();

    /// <summary>Stops the server cleanly, releasing its data directory; <see cref="StartAsync"/> serves it again.</summary>
    public async Task StopAsync()
    {
        await Host.DisposeAsync();
        _host = null;
    }

    /// <summary>Stops the server cleanly and starts it again on the same data directory (a new port).</summary>
    public async Task RestartAsync()
    {
        await Host.DisposeAsync();
        _host = null;
        await StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null) await _host.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>AWSSDK.S3 at its default settings, plus the service URL and path-style addressing.</summary>
    public AmazonS3Client CreateClient(string accessKey = AccessKey, string secretKey = SecretKey, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = Region,
            MaxErrorRetry = 0,
        };
        if (Host.CaCertificatePath is not null) config.HttpClientFactory = new TrustingClientFactory(this);
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    /// <summary>Hand-signed raw requests, for what the SDK will not send.</summary>
    public SignedRequests CreateSigned(string accessKey = AccessKey, string secretKey = SecretKey) => new(Endpoint, accessKey, secretKey, handler: CreateHandler());

    /// <summary>Creates a user through the admin API, attaches <paramref name="policy"/> when given, and returns a new key of it.</summary>
    public async Task<(string AccessKeyId, string SecretAccessKey)> CreateUserAsync(string name, string? policy = null)
    {
        using var admin = CreateSigned();
        (await admin.SendAsync(HttpMethod.Post, "/_strata/admin/users", $"name={name}")).EnsureSuccessStatusCode();
        if (policy is not null)
        {
            (await admin.SendAsync(HttpMethod.Put, $"/_strata/admin/users/{name}/policies/app", body: policy)).EnsureSuccessStatusCode();
        }
        var key = await admin.SendAsync(HttpMethod.Post, $"/_strata/admin/users/{name}/keys");
        key.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await key.Content.ReadAsStringAsync());
        return (json.RootElement.GetProperty("accessKeyId").GetString()!, json.RootElement.GetProperty("secretAccessKey").GetString()!);
    }

    private readonly SemaphoreSlim _mfaGate = new(1, 1);
    private RootMfaDevice? _mfaDevice;

    /// <summary>The root user's virtual MFA device, created once through the admin API (POST /_strata/admin/mfa).</summary>
    public async Task<RootMfaDevice> MfaDeviceAsync()
    {
        await _mfaGate.WaitAsync();
        try
        {
            if (_mfaDevice is { } known) return known;
            using var admin = CreateSigned();
            var response = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa");
            response.EnsureSuccessStatusCode();
            using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return _mfaDevice = new RootMfaDevice(
                json.RootElement.GetProperty("serial").GetString()!,
                OtpNet.Base32Encoding.ToBytes(json.RootElement.GetProperty("secret").GetString()!),
                json.RootElement.GetProperty("uri").GetString()!);
        }
        finally
        {
            _mfaGate.Release();
        }
    }

    /// <summary>A code never used before: the server's clock moves to the next 30-second step first (a code is accepted once).</summary>
    public async Task<MfaCodes> FreshMfaCodeAsync()
    {
        var device = await MfaDeviceAsync();
        Time.Advance(TimeSpan.FromSeconds(30));
        return new MfaCodes { SerialNumber = device.Serial, AuthenticationValue = new OtpNet.Totp(device.Secret).ComputeTotp(Time.GetUtcNow().UtcDateTime) };
    }

    private sealed class TrustingClientFactory(StrataServer server) : Amazon.Runtime.HttpClientFactory
    {
        public override HttpClient CreateHttpClient(Amazon.Runtime.IClientConfig clientConfig) => new(server.CreateHandler());
    }

    public static string UniqueBucketName(string stem = "bucket") =>
        $"{stem}-{Interlocked.Increment(ref _bucketCounter)}-{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<string> CreateBucketAsync(bool versioning = false, string stem = "bucket")
    {
        using var s3 = CreateClient();
        var name = UniqueBucketName(stem);
        await s3.PutBucketAsync(name);
        if (versioning)
        {
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = name,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }
        return name;
    }
}

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
public sealed class StrataServer : IAsyncLifetime
{
    public const string AccessKey = "STRATATESTROOTKEY0001";
    public const string SecretKey = "strata-test-secret-key-0123456789abcdefgh";
    private static int _bucketCounter;
    private StrataHost? _host;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "strata-test-" + Guid.NewGuid().ToString("N")[..12]);

    public Uri Endpoint => Host.Endpoint;

    public StrataHost Host => _host ?? throw new InvalidOperationException("server not started");

    public async Task InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        _host = await StrataHost.StartAsync(new StrataServerOptions
        {
            DataDirectory = DataDirectory,
            Listen = "127.0.0.1:0",
            RootAccessKey = AccessKey,
            RootSecretKey = SecretKey,
        }, TextWriter.Null);
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
            AuthenticationRegion = "us-east-1",
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey), config);
    }

    /// <summary>Hand-signed raw requests, for what the SDK will not send.</summary>
    public SignedRequests CreateSigned() => new(Endpoint, AccessKey, SecretKey);

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

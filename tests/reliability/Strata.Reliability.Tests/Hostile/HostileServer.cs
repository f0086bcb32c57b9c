using System.Text;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// One published server per hostile-input class, with a versioned and an unversioned bucket holding a few
/// objects (inline and blob-file sized). Each case takes a snapshot of everything stored, sends its hostile
/// request, and then <see cref="AssertUnharmedAsync"/>: the server still answers its health check, the
/// snapshot is unchanged, and nothing exists outside the data directory's own folders.
/// </summary>
public sealed class HostileServer : IAsyncLifetime
{
    public const string Versioned = "hostile-versioned";
    public const string Plain = "hostile-plain";
    public const string SmallKey = "seed/small.txt";
    public const string LargeKey = "seed/large.bin";
    public static readonly byte[] Small = Encoding.ASCII.GetBytes(new string('s', 100));
    public static readonly byte[] Large = Crash.Body.Bytes(7, 100 * 1024);

    private static int _casesTried, _casesUnharmed;
    private readonly Sandbox _sandbox = new();
    private PublishedServer? _server;

    internal PublishedServer Server => _server ?? throw new InvalidOperationException("not started");

    public Uri Endpoint => Server.Endpoint;

    public async Task InitializeAsync()
    {
        _server = await PublishedServer.StartAsync(_sandbox);
        using var s3 = Server.CreateClient();
        await s3.PutBucketAsync(Versioned);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Versioned,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        await s3.PutBucketAsync(Plain);
        foreach (var bucket in new[] { Versioned, Plain })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = SmallKey, InputStream = new MemoryStream(Small) });
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = LargeKey, InputStream = new MemoryStream(Large) });
        }
        await s3.DeleteObjectAsync(Versioned, "seed/deleted.txt");
    }

    public SignedRequests CreateSigned(string secretKey = PublishedServerKeys.SecretKey, string region = "us-east-1") => Server.CreateSigned(secretKey, region);

    internal RawSigV4 Sign(string method, string rawPath, string query = "", byte[]? body = null, IDictionary<string, string>? headers = null,
        DateTimeOffset? at = null, string? payloadHash = null, string secretKey = PublishedServerKeys.SecretKey) =>
        RawSigV4.Create(Endpoint, method, rawPath, query, body, headers, at, payloadHash, secretKey: secretKey);

    internal Task<RawResponse> SendAsync(RawSigV4 request) => RawHttp.SendAsync(Endpoint, request);

    /// <summary>Counts the case and returns the snapshot it must leave unchanged.</summary>
    public Task<string> StartCaseAsync()
    {
        Interlocked.Increment(ref _casesTried);
        return SnapshotAsync();
    }

    /// <summary>Buckets, their versioning, every version (markers included) and the blob files, as text.</summary>
    public async Task<string> SnapshotAsync()
    {
        using var s3 = Server.CreateClient();
        var text = new StringBuilder();
        foreach (var bucket in ((await s3.ListBucketsAsync()).Buckets ?? []).Select(b => b.BucketName).Order(StringComparer.Ordinal))
        {
            var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
            text.Append("bucket ").Append(bucket).Append(' ').Append(versioning.VersioningConfig?.Status?.Value ?? "-").Append('\n');
            foreach (var v in await Crash.Verifier.ListVersionsAsync(s3, bucket)) text.Append("  ").Append(v).Append('\n');
        }
        foreach (var blob in _sandbox.BlobFiles().Order(StringComparer.Ordinal)) text.Append("blob ").Append(blob).Append('\n');
        return text.ToString();
    }

    /// <summary>The checks every hostile case ends with.</summary>
    public async Task AssertUnharmedAsync(string before)
    {
        Assert.False(Server.HasExited, "The server process died:\n" + Server.Output);
        Assert.True(await Server.IsHealthyAsync(), "GET /_strata/health did not answer ok");
        Assert.Equal(before, await SnapshotAsync());
        Assert.Empty(_sandbox.StrayEntries());
        Interlocked.Increment(ref _casesUnharmed);
    }

    /// <summary>For a case whose cleanup happens after the answer (a draft removed when the server sees the connection end).</summary>
    public async Task AssertUnharmedEventuallyAsync(string before)
    {
        for (var attempt = 0; attempt < 100 && await SnapshotAsync() != before; attempt++) await Task.Delay(100);
        await AssertUnharmedAsync(before);
    }

    /// <summary>The body of a hostile request refused with an S3 error: status and code as S3 sends them.</summary>
    internal static void AssertRefused(RawResponse response, int status, params string[] codes)
    {
        Assert.True(response.Status == status && codes.Contains(response.Code),
            $"expected {status} {string.Join(" or ", codes)}, got:\n{response}");
    }

    internal static async Task<RawResponse> ReadAsync(HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return new RawResponse((int)response.StatusCode, response.ToString(), body);
        }
    }

    public async Task DisposeAsync()
    {
        Assert.False(Server.HasExited, "The server process died during the hostile cases:\n" + Server.Output);
        await Server.DisposeAsync();
        _sandbox.Dispose();
        // Cumulative over the hostile classes run so far in this process; the last one to finish writes the total.
        var tried = Volatile.Read(ref _casesTried);
        var unharmed = Volatile.Read(ref _casesUnharmed);
        Figures.Write(null, "hostile", [("cases_tried", tried), ("cases_refused_as_s3_does_and_unharmed", unharmed), ("cases_failed", tried - unharmed)]);
    }
}

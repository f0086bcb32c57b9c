using System.Text.Json;

namespace Strata.Server.Tests.Replication;

/// <summary>
/// Two Strata servers on 127.0.0.1 with separate data directories: the source has the destination as remote "dst" and
/// the destination has the source as remote "src" (for replication both ways). The destination keeps its port across a
/// restart, so the source's remote stays valid; failed sends are retried within a second.
/// </summary>
public class ReplicationPair : IAsyncLifetime
{
    public ReplicationPair()
        : this(sourcePoll: null)
    {
    }

    /// <param name="sourcePoll">How often the source's idle replicator polls its outbox (null: the server's default).</param>
    protected ReplicationPair(TimeSpan? sourcePoll) => Source = new()
    {
        Configure = o =>
        {
            o.ReplicationRetryMax = TimeSpan.FromSeconds(1);
            if (sourcePoll is { } poll) o.ReplicationPollInterval = poll;
        },
    };

    public StrataServer Source { get; }
    public StrataServer Destination { get; } = new() { KeepPort = true, Configure = o => o.ReplicationRetryMax = TimeSpan.FromSeconds(1) };

    public async Task InitializeAsync()
    {
        await Source.InitializeAsync();
        await Destination.InitializeAsync();
        await AddRemoteAsync(Source, "dst", Destination);
        await AddRemoteAsync(Destination, "src", Source);
    }

    public async Task DisposeAsync()
    {
        await Source.DisposeAsync();
        await Destination.DisposeAsync();
    }

    public static Task AddRemoteAsync(StrataServer on, string name, StrataServer target) =>
        AddRemoteAsync(on, name, target.Endpoint, StrataServer.AccessKey, StrataServer.SecretKey);

    /// <summary>Adds a remote (path-style) to <paramref name="on"/> through the admin API, as `strata admin remote add` does.</summary>
    public static async Task AddRemoteAsync(StrataServer on, string name, Uri endpoint, string accessKeyId, string secretAccessKey)
    {
        using var admin = on.CreateSigned();
        var body = JsonSerializer.Serialize(new
        {
            name,
            endpoint = endpoint.ToString(),
            accessKeyId,
            secretAccessKey,
            pathStyle = true,
        });
        using var response = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/remotes", body: body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    /// <summary>A versioned bucket on each server, the source's replicating everything (delete markers too) to the destination's.</summary>
    public async Task<(string Source, string Destination)> ReplicatedBucketsAsync(string? prefix = null, bool deleteMarkers = true)
    {
        var source = await Source.CreateBucketAsync(versioning: true, stem: "src");
        var destination = await Destination.CreateBucketAsync(versioning: true, stem: "dst");
        using var s3 = Source.CreateClient();
        await s3.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = source,
            Configuration = Configuration("arn:strata:remote:dst:" + destination, prefix ?? "", deleteMarkers),
        });
        return (source, destination);
    }

    public static ReplicationConfiguration Configuration(string destinationArn, string prefix = "", bool deleteMarkers = true, string id = "all") => new()
    {
        Role = "arn:aws:iam::000000000000:role/ignored",
        Rules =
        [
            new ReplicationRule
            {
                Id = id,
                Priority = 1,
                Status = ReplicationRuleStatus.Enabled,
                Filter = new ReplicationRuleFilter { Prefix = prefix },
                DeleteMarkerReplication = new DeleteMarkerReplication { Status = deleteMarkers ? DeleteMarkerReplicationStatus.Enabled : DeleteMarkerReplicationStatus.Disabled },
                Destination = new ReplicationDestination { BucketArn = destinationArn },
            },
        ],
    };

    /// <summary>The versions and markers of a bucket, newest first per key, as (key, isMarker, source version id) rows.</summary>
    public static async Task<List<S3ObjectVersion>> VersionsAsync(IAmazonS3 s3, string bucket)
    {
        var all = new List<S3ObjectVersion>();
        var request = new ListVersionsRequest { BucketName = bucket };
        while (true)
        {
            var page = await s3.ListVersionsAsync(request);
            all.AddRange(page.Versions ?? []);
            if (page.IsTruncated != true) return all;
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }

    /// <summary>Waits (up to a minute; replication is asynchronous) until <paramref name="done"/> holds, and fails with <paramref name="what"/> otherwise.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, string what, int seconds = 60)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            if (await done()) return;
            if (DateTime.UtcNow > until) Assert.Fail("Replication did not reach the destination in time: " + what);
            await Task.Delay(100);
        }
    }

    /// <summary>GET /_strata/admin/replication/BUCKET on the source, as `strata admin replication status --json` prints it.</summary>
    public async Task<JsonDocument> StatusAsync(string bucket)
    {
        using var admin = Source.CreateSigned();
        using var response = await admin.SendAsync(HttpMethod.Get, "/_strata/admin/replication/" + bucket);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text);
    }
}

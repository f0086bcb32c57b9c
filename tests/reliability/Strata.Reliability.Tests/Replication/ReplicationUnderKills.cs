using System.Collections.Concurrent;
using Amazon.Runtime;
using System.Text.Json;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Replication;

/// <summary>
/// The replicating source is the published binary, SIGKILLed under traffic and started again on the same data directory,
/// twice; the destination is a second Strata. Every write the source acknowledged must reach the destination
/// exactly once as a version: same bytes (ETag), its source version id carried once, never twice.
/// </summary>
public sealed class ReplicationUnderKills(ITestOutputHelper output)
{
    private const int Workers = 4;

    [Fact]
    public async Task Every_acknowledged_write_reaches_the_destination_exactly_once_across_kills()
    {
        using var sandbox = new Sandbox();
        await using var destination = new StrataServer();
        await destination.InitializeAsync();
        const string source = "kill-source";
        var target = await destination.CreateBucketAsync(versioning: true, stem: "kill-target");
        var acked = new ConcurrentDictionary<string, string>(); // source version id -> ETag
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);

        var server = await PublishedServer.StartAsync(sandbox, "--replication-retry-max", "1s");
        try
        {
            await SetUpAsync(server, destination, source, target);
            for (var cycle = 1; cycle <= 2; cycle++)
            {
                using (var s3 = server.CreateClient())
                using (var stop = new CancellationTokenSource())
                {
                    var before = acked.Count;
                    var workers = Enumerable.Range(0, Workers).Select(w => WriteAsync(s3, source, $"c{cycle}w{w}", acked, stop.Token)).ToList();
                    // Killed under traffic: once this cycle's writes are being answered. A cold server on a busy machine
                    // can take longer than the random delay to answer its first PUT (a CI run once acknowledged none).
                    var waited = System.Diagnostics.Stopwatch.StartNew();
                    while (acked.Count == before && waited.Elapsed < TimeSpan.FromSeconds(60) && !workers.TrueForAll(w => w.IsCompleted)) await Task.Delay(20);
                    await Task.Delay(random.Next(200, 700));
                    await server.KillAsync();
                    await stop.CancelAsync();
                    await Task.WhenAll(workers);
                }
                await server.DisposeAsync();
                server = await PublishedServer.StartAsync(sandbox, "--replication-retry-max", "1s");
            }
            output.WriteLine($"{acked.Count} acknowledged writes");
            Assert.NotEmpty(acked);

            using var dst = destination.CreateClient();
            var deadline = DateTime.UtcNow.AddSeconds(120);
            Dictionary<string, List<string>> arrived;
            while (true)
            {
                // Listing is cheap; the HEAD of every version (for its source version id) only once enough have arrived.
                var listed = (await dst.ListVersionsAsync(new ListVersionsRequest { BucketName = target })).Versions?.Count ?? 0;
                if (listed >= acked.Count || DateTime.UtcNow > deadline)
                {
                    arrived = await ArrivedAsync(dst, target);
                    if (acked.Keys.All(arrived.ContainsKey) || DateTime.UtcNow > deadline) break;
                }
                await Task.Delay(250);
            }

            var missing = acked.Keys.Where(id => !arrived.ContainsKey(id)).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} acknowledged versions never arrived, e.g. {string.Join(", ", missing.Take(5))}\n{server.Output}");
            var twice = arrived.Where(a => a.Value.Count > 1).Select(a => a.Key).ToList();
            Assert.True(twice.Count == 0, $"{twice.Count} source versions arrived more than once, e.g. {string.Join(", ", twice.Take(5))}");
            foreach (var (id, etag) in acked) Assert.Equal(etag, arrived[id][0]);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task SetUpAsync(PublishedServer server, StrataServer destination, string source, string target)
    {
        using (var s3 = server.CreateClient())
        {
            await s3.PutBucketAsync(source);
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = source,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }
        using (var admin = server.CreateSigned())
        {
            var body = JsonSerializer.Serialize(new
            {
                name = "dst",
                endpoint = destination.Endpoint.ToString(),
                accessKeyId = StrataServer.AccessKey,
                secretAccessKey = StrataServer.SecretKey,
                pathStyle = true,
            });
            using var added = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/remotes", body: body);
            Assert.True(added.IsSuccessStatusCode, await added.Content.ReadAsStringAsync());
        }
        using var client = server.CreateClient();
        await client.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = source,
            Configuration = new ReplicationConfiguration
            {
                Rules =
                [
                    new ReplicationRule
                    {
                        Id = "all", Status = ReplicationRuleStatus.Enabled, Filter = new ReplicationRuleFilter { Prefix = "" },
                        DeleteMarkerReplication = new DeleteMarkerReplication { Status = DeleteMarkerReplicationStatus.Disabled },
                        Destination = new ReplicationDestination { BucketArn = "arn:strata:remote:dst:" + target },
                    },
                ],
            },
        });
    }

    // Puts until stopped, a few keys overwritten again and again; only answered writes are recorded.
    private static async Task WriteAsync(IAmazonS3 s3, string bucket, string prefix, ConcurrentDictionary<string, string> acked, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            try
            {
                var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"{prefix}/k{i % 3}", ContentBody = $"{prefix} write {i} {Guid.NewGuid()}" }, stop);
                acked[put.VersionId] = put.ETag;
            }
            catch (Exception e) when (e is AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
            {
                return; // the server was killed under this request: not acknowledged
            }
        }
    }

    /// <summary>Source version id -> the ETags of the destination versions that carry it.</summary>
    private static async Task<Dictionary<string, List<string>>> ArrivedAsync(IAmazonS3 dst, string bucket)
    {
        var arrived = new Dictionary<string, List<string>>();
        var request = new ListVersionsRequest { BucketName = bucket };
        while (true)
        {
            var page = await dst.ListVersionsAsync(request);
            foreach (var version in page.Versions ?? [])
            {
                if (version.IsDeleteMarker == true) continue;
                var head = await dst.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = version.Key, VersionId = version.VersionId });
                var id = head.Metadata["x-amz-meta-strata-source-version-id"];
                if (!arrived.TryGetValue(id, out var etags)) arrived[id] = etags = [];
                etags.Add(head.ETag);
            }
            if (page.IsTruncated != true) return arrived;
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }
}

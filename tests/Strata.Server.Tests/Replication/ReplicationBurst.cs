namespace Strata.Server.Tests.Replication;

/// <summary>The replicator keeps many sends in flight and records completions in batches, yet each key's versions arrive in commit order.</summary>
public sealed class ReplicationBurst(ReplicationPair pair) : IClassFixture<ReplicationPair>
{
    private const int Keys = 50;
    private const int VersionsPerKey = 10;

    [Fact]
    public async Task A_burst_of_500_puts_across_50_keys_drains_with_each_keys_versions_in_source_order()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();
        // Each key written by its own sequential writer, the 50 writers at once: versions of different keys interleave in the outbox.
        var written = new List<string>[Keys];
        await Parallel.ForEachAsync(Enumerable.Range(0, Keys), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (k, cancellationToken) =>
        {
            var ids = new List<string>(VersionsPerKey);
            for (var v = 0; v < VersionsPerKey; v++)
            {
                var put = await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = $"k{k:D2}", ContentBody = $"k{k:D2} v{v}" }, cancellationToken);
                ids.Add(put.VersionId);
            }
            written[k] = ids;
        });

        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count >= Keys * VersionsPerKey,
            "all 500 versions", seconds: 120);
        var versions = await ReplicationPair.VersionsAsync(dst, destination);
        Assert.Equal(Keys * VersionsPerKey, versions.Count);
        for (var k = 0; k < Keys; k++)
        {
            var key = $"k{k:D2}";
            // ListObjectVersions gives a key's versions newest first: read back oldest first, each carries the source id it was sent from.
            var arrived = new List<string>();
            var mine = versions.Where(v => v.Key == key).Reverse().ToList();
            foreach (var version in mine)
            {
                var head = await dst.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = destination, Key = key, VersionId = version.VersionId });
                arrived.Add(head.Metadata["x-amz-meta-strata-source-version-id"]);
            }
            Assert.Equal(written[k], arrived);
            Assert.Equal($"{key} v{VersionsPerKey - 1}", await new StreamReader((await dst.GetObjectAsync(destination, key)).ResponseStream).ReadToEndAsync());
        }
        await ReplicationPair.EventuallyAsync(async () =>
            (await src.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = source, Key = "k49", VersionId = written[49][0] })).ReplicationStatus?.Value == "COMPLETED",
            "COMPLETED on the source");
    }
}

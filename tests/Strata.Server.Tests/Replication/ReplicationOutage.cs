namespace Strata.Server.Tests.Replication;

/// <summary>The destination down for a while: the source keeps accepting writes, shows the failures, and drains the backlog once it is back.</summary>
public sealed class ReplicationOutage(ReplicationOutage.Pair pair) : IClassFixture<ReplicationOutage.Pair>
{
    /// <summary>Its own pair: this class stops the destination.</summary>
    public sealed class Pair : ReplicationPair;

    [Fact]
    public async Task The_backlog_drains_after_the_destination_comes_back_and_nothing_is_lost()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        await pair.Destination.StopAsync();

        var written = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var put = await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = $"k{i % 5}.txt", ContentBody = $"body {i}" });
            written.Add(put.VersionId);
        }
        await src.DeleteObjectAsync(source, "k0.txt");
        await ReplicationPair.EventuallyAsync(async () =>
        {
            using var status = await pair.StatusAsync(source);
            return status.RootElement.GetProperty("failures").GetArrayLength() > 0;
        }, "a failure shown while the destination is down");
        using (var down = await pair.StatusAsync(source))
        {
            Assert.Equal(21, down.RootElement.GetProperty("backlogVersions").GetInt64());
            Assert.True(down.RootElement.GetProperty("backlogBytes").GetInt64() > 0);
        }

        await pair.Destination.StartAsync();
        using var admin = pair.Source.CreateSigned();
        (await admin.SendAsync(HttpMethod.Post, $"/_strata/admin/replication/{source}/retry")).EnsureSuccessStatusCode();
        using var dst = pair.Destination.CreateClient();
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 21, "20 versions and a marker");

        var versions = await ReplicationPair.VersionsAsync(dst, destination);
        var sourceIds = new List<string>();
        foreach (var v in versions.Where(v => v.IsDeleteMarker != true))
        {
            var head = await dst.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = destination, Key = v.Key, VersionId = v.VersionId });
            sourceIds.Add(head.Metadata["x-amz-meta-strata-source-version-id"]);
        }
        Assert.Equal(written.Order(), sourceIds.Order());
        // Commit order per key: k1's newest replica is the last one written to k1.
        Assert.Equal("body 16", await new StreamReader((await dst.GetObjectAsync(destination, "k1.txt")).ResponseStream).ReadToEndAsync());
        using var after = await pair.StatusAsync(source);
        Assert.Equal(0, after.RootElement.GetProperty("backlogVersions").GetInt64());
    }

    [Fact]
    public async Task A_second_delete_marker_sent_after_an_outage_arrives_although_the_first_is_already_on_top()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "k.txt", ContentBody = "v1" });
        await src.DeleteObjectAsync(source, "k.txt");
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 2, "the version and the first marker");

        // The second marker's first send fails, so its next one must first ask whether it already arrived.
        await pair.Destination.StopAsync();
        await src.DeleteObjectAsync(source, "k.txt");
        await ReplicationPair.EventuallyAsync(async () =>
        {
            using var status = await pair.StatusAsync(source);
            return status.RootElement.GetProperty("failures").GetArrayLength() > 0;
        }, "the second marker's failed send");
        await pair.Destination.StartAsync();
        using var admin = pair.Source.CreateSigned();
        (await admin.SendAsync(HttpMethod.Post, $"/_strata/admin/replication/{source}/retry")).EnsureSuccessStatusCode();
        await ReplicationPair.EventuallyAsync(async () =>
        {
            using var status = await pair.StatusAsync(source);
            return status.RootElement.GetProperty("backlogVersions").GetInt64() == 0;
        }, "the backlog drained");

        var versions = await ReplicationPair.VersionsAsync(dst, destination);
        Assert.Equal([true, true, false], versions.Select(v => v.IsDeleteMarker == true)); // newest first, as the source's stack
    }
}

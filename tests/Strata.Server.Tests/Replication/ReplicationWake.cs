namespace Strata.Server.Tests.Replication;

/// <summary>
/// A new item does not wait for the replicator's poll: the write that queues it wakes the replicator once it is durable.
/// The source here polls once an hour, so only that wake can bring the versions over within the test's minute.
/// </summary>
public sealed class ReplicationWake(ReplicationWake.Pair pair) : IClassFixture<ReplicationWake.Pair>
{
    public sealed class Pair() : ReplicationPair(sourcePoll: TimeSpan.FromHours(1));

    [Fact]
    public async Task Writes_to_an_idle_source_are_sent_without_waiting_for_its_poll()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();

        // One write, then another after the replicator has gone idle again.
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "a.txt", ContentBody = "one" });
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 1, "the first version");
        await Task.Delay(500);
        await src.DeleteObjectAsync(source, "a.txt");
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 2, "the delete marker");

        Assert.True((await ReplicationPair.VersionsAsync(dst, destination))[0].IsDeleteMarker);
    }
}

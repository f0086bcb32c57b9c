using Strata.Client.Mirror;
using Xunit.Abstractions;

namespace Strata.Client.Tests;

/// <summary>
/// `strata mirror` into another vendor's S3 (moto_server, else s3rver; see <see cref="ThirdPartyS3"/>): the current
/// versions everywhere, and the whole history where the server keeps versions.
/// </summary>
public sealed class MirroringToAnotherVendor(RecordedHistory history, ThirdPartyS3 vendor, ITestOutputHelper output) : IClassFixture<RecordedHistory>, IClassFixture<ThirdPartyS3>
{
    private static readonly RecoveryOptions Options = new() { Concurrency = 4 };

    private S3Uri Source => new(history.Bucket, RecordedHistory.Prefix);

    [ThirdPartyFact]
    public async Task The_current_versions_arrive_and_a_rerun_copies_nothing()
    {
        output.WriteLine($"destination: {ThirdPartyS3.Kind} at {vendor.Endpoint}");
        using var source = history.Server.CreateClient();
        using var destination = vendor.CreateClient();
        var bucket = StrataServer.UniqueBucketName("current");
        await destination.PutBucketAsync(bucket);
        var job = new MirrorJob(source, Source, destination, new S3Uri(bucket, ""), vendor.MirrorOptions(), Options);

        var report = await job.RunAsync();
        var again = await job.RunAsync();

        Assert.True(report.Ok, string.Join("\n", report.Failures));
        var expected = history.StateAt(4).ToDictionary(p => p.Key[RecordedHistory.Prefix.Length..], p => RecordedHistory.ETagOf(p.Value));
        Assert.Equal(expected.OrderBy(p => p.Key, StringComparer.Ordinal), (await MirroredHistory.CurrentAsync(destination, bucket, "")).OrderBy(p => p.Key, StringComparer.Ordinal));
        Assert.Equal(0, again.Plan.Changes);
    }

    [ThirdPartyFact]
    public async Task With_history_every_version_and_marker_arrives_where_the_server_keeps_versions()
    {
        using var source = history.Server.CreateClient();
        using var destination = vendor.CreateClient();
        var bucket = StrataServer.UniqueBucketName("history");
        await destination.PutBucketAsync(bucket);
        var job = new MirrorJob(source, Source, destination, new S3Uri(bucket, ""), vendor.MirrorOptions() with { WithHistory = true }, Options);
        if (!vendor.SupportsVersioning)
        {
            // s3rver has no versioning: the mirror refuses, in words, rather than keep only the last version.
            Assert.Contains("Versioning is not enabled", (await Assert.ThrowsAsync<StrataClientException>(() => job.RunAsync())).Message);
            return;
        }
        await destination.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });

        var report = await job.RunAsync();

        Assert.True(report.Ok, string.Join("\n", report.Failures));
        // moto lists every delete marker after every version (S3 interleaves them in stack order) and keeps
        // LastModified to the second, so stacks are compared as counts per key, not walked in order.
        Assert.Equal(await CountsAsync(source, history.Bucket, RecordedHistory.Prefix, RecordedHistory.Prefix.Length), await CountsAsync(destination, bucket, "", 0));
        var key = history.StateAt(4).Keys.First();
        using var copy = await destination.GetObjectAsync(bucket, key[RecordedHistory.Prefix.Length..]);
        var original = await source.GetObjectMetadataAsync(history.Bucket, key);
        Assert.Equal(original.VersionId, copy.Metadata[MirrorMetadata.SourceVersionId]);
    }

    private static async Task<SortedDictionary<string, (int Versions, int Markers)>> CountsAsync(IAmazonS3 s3, string bucket, string prefix, int strip)
    {
        var counts = new SortedDictionary<string, (int Versions, int Markers)>(StringComparer.Ordinal);
        var request = new ListVersionsRequest { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            var page = await s3.ListVersionsAsync(request);
            foreach (var version in page.Versions ?? [])
            {
                var (versions, markers) = counts.GetValueOrDefault(version.Key[strip..]);
                counts[version.Key[strip..]] = version.IsDeleteMarker == true ? (versions, markers + 1) : (versions + 1, markers);
            }
            if (page.IsTruncated != true) return counts;
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
    }
}

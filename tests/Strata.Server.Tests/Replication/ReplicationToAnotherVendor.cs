using System.Security.Cryptography;

namespace Strata.Server.Tests.Replication;

/// <summary>
/// Live replication into another vendor's S3 (moto_server, see <see cref="ThirdPartyS3"/>): versions and a delete marker
/// of a Strata bucket arrive in a versioned moto bucket, byte for byte and carrying the source's version id. s3rver is
/// not used here: it stores aws-chunked uploads (the SDK's default, which the replicator sends) with their framing,
/// and has no versioning.
/// </summary>
public sealed class ReplicationToAnotherVendor(ThirdPartyS3 vendor) : IClassFixture<ThirdPartyS3>, IAsyncLifetime
{
    private readonly StrataServer _source = new() { Configure = o => o.ReplicationRetryMax = TimeSpan.FromSeconds(1) };

    public Task InitializeAsync() => _source.InitializeAsync();

    public Task DisposeAsync() => _source.DisposeAsync();

    [MotoFact]
    public async Task Versions_and_a_delete_marker_arrive_in_a_moto_bucket_byte_for_byte()
    {
        using var moto = vendor.CreateClient();
        var target = StrataServer.UniqueBucketName("moto");
        await moto.PutBucketAsync(target);
        await moto.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = target, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });

        await ReplicationPair.AddRemoteAsync(_source, "moto", vendor.Endpoint, vendor.AccessKey, vendor.SecretKey);
        var source = await _source.CreateBucketAsync(versioning: true, stem: "src");
        using var s3 = _source.CreateClient();
        await s3.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = source, Configuration = ReplicationPair.Configuration("arn:strata:remote:moto:" + target) });

        var bodies = new[] { RandomNumberGenerator.GetBytes(100), RandomNumberGenerator.GetBytes(300_000) };
        var sent = new List<(string VersionId, byte[] Body)>();
        foreach (var body in bodies)
        {
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "photo.jpg", InputStream = new MemoryStream(body), ContentType = "image/jpeg" });
            sent.Add((put.VersionId, body));
        }
        await s3.DeleteObjectAsync(source, "photo.jpg");

        await ReplicationPair.EventuallyAsync(async () =>
        {
            var versions = await ReplicationPair.VersionsAsync(moto, target);
            return versions.Count(v => v.IsDeleteMarker != true) == 2 && versions.Any(v => v.IsDeleteMarker == true);
        }, "two versions and a marker in the moto bucket");

        foreach (var version in (await ReplicationPair.VersionsAsync(moto, target)).Where(v => v.IsDeleteMarker != true))
        {
            using var copy = await moto.GetObjectAsync(new GetObjectRequest { BucketName = target, Key = "photo.jpg", VersionId = version.VersionId });
            var original = sent.Single(s => s.VersionId == copy.Metadata["x-amz-meta-strata-source-version-id"]);
            using var bytes = new MemoryStream();
            await copy.ResponseStream.CopyToAsync(bytes);
            Assert.Equal(original.Body, bytes.ToArray());
            Assert.Equal("image/jpeg", copy.Headers.ContentType);
        }
    }
}

/// <summary>A test that needs moto_server (<see cref="ThirdPartyS3"/> found moto); skipped, with the reason, elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MotoFactAttribute : FactAttribute
{
    public MotoFactAttribute()
    {
        if (ThirdPartyS3.Kind != "moto")
        {
            Skip = ThirdPartyS3.Kind is null ? ThirdPartyS3.SkipReason
                : "moto_server is not installed here; s3rver stores aws-chunked uploads with their framing and keeps no versions";
        }
    }
}

namespace Strata.Server.Tests;

public sealed class Restart
{
    [Fact]
    public async Task Everything_written_is_there_after_a_restart()
    {
        await using var lifetime = new ServerLifetime();
        var server = lifetime.Server;
        await server.StartAsync();
        string bucket, plain;
        string v1;
        var big = new byte[1_000_000];
        Random.Shared.NextBytes(big);
        using (var s3 = server.CreateClient())
        {
            bucket = await server.CreateBucketAsync(versioning: true);
            plain = await server.CreateBucketAsync();
            v1 = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "v1" })).VersionId;
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "v2" });
            await s3.DeleteObjectAsync(bucket, "doc");
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = plain, Key = "big.bin", InputStream = new MemoryStream(big) });
        }

        await server.RestartAsync();

        using (var s3 = server.CreateClient())
        {
            var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
            Assert.Equal(3, versions.Versions!.Count);
            Assert.True(versions.Versions[0].IsDeleteMarker);
            Assert.Equal("v1", await Buckets.ReadAsync(s3, bucket, "doc", v1));
            var status = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
            Assert.Equal(VersionStatus.Enabled, status.VersioningConfig.Status);
            using var get = await s3.GetObjectAsync(plain, "big.bin");
            using var copy = new MemoryStream();
            await get.ResponseStream.CopyToAsync(copy);
            Assert.Equal(big, copy.ToArray());
        }
    }

    private sealed class ServerLifetime : IAsyncDisposable
    {
        public StrataServer Server { get; } = new();
        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}

using System.Text;

namespace Strata.Server.Tests.Replication;

/// <summary>Live replication between two Strata servers: what a user writes on the source appears on the destination.</summary>
public sealed class LiveReplication(ReplicationPair pair) : IClassFixture<ReplicationPair>
{
    [Fact]
    public async Task Puts_and_overwrites_arrive_in_order_with_metadata_tags_and_the_source_version_id()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();
        var put = new PutObjectRequest { BucketName = source, Key = "photos/a.jpg", ContentBody = "one", ContentType = "image/jpeg" };
        put.Metadata["camera"] = "x100";
        put.TagSet = [new Tag { Key = "album", Value = "summer" }];
        var v1 = await src.PutObjectAsync(put);
        var v2 = await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "photos/a.jpg", ContentBody = "two" });

        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 2, "two versions of photos/a.jpg");
        var versions = await ReplicationPair.VersionsAsync(dst, destination);
        var newest = await dst.GetObjectAsync(destination, "photos/a.jpg");
        Assert.Equal("two", await new StreamReader(newest.ResponseStream).ReadToEndAsync());
        Assert.Equal(v2.VersionId, newest.Metadata["x-amz-meta-strata-source-version-id"]);
        Assert.Equal("REPLICA", newest.ReplicationStatus?.Value);
        var oldest = await dst.GetObjectAsync(new GetObjectRequest { BucketName = destination, Key = "photos/a.jpg", VersionId = versions[1].VersionId });
        Assert.Equal("one", await new StreamReader(oldest.ResponseStream).ReadToEndAsync());
        Assert.Equal("image/jpeg", oldest.Headers.ContentType);
        Assert.Equal("x100", oldest.Metadata["x-amz-meta-camera"]);
        Assert.Equal(v1.VersionId, oldest.Metadata["x-amz-meta-strata-source-version-id"]);
        var sourceV1 = await src.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = source, Key = "photos/a.jpg", VersionId = v1.VersionId });
        Assert.Equal(sourceV1.LastModified!.Value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss"),
            oldest.Metadata["x-amz-meta-strata-source-last-modified"][..19]);
        var tags = await dst.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = destination, Key = "photos/a.jpg", VersionId = versions[1].VersionId });
        Assert.Equal("summer", Assert.Single(tags.Tagging).Value);
    }

    [Fact]
    public async Task The_source_shows_PENDING_then_COMPLETED()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        var put = await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "a.txt", ContentBody = "a" });

        var first = await src.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = source, Key = "a.txt", VersionId = put.VersionId });
        Assert.Contains(first.ReplicationStatus?.Value, new[] { "PENDING", "COMPLETED" });
        await ReplicationPair.EventuallyAsync(async () =>
            (await src.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = source, Key = "a.txt" })).ReplicationStatus?.Value == "COMPLETED",
            "COMPLETED on the source");
        using var dst = pair.Destination.CreateClient();
        Assert.Equal("a", await new StreamReader((await dst.GetObjectAsync(destination, "a.txt")).ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_bucket_without_replication_sends_no_status()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        using var src = pair.Source.CreateClient();
        await src.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "a" });
        var head = await src.GetObjectMetadataAsync(bucket, "a.txt");
        Assert.Null(head.ReplicationStatus?.Value);
    }

    [Fact]
    public async Task Copies_and_multipart_uploads_arrive_whole()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "original.txt", ContentBody = "copied bytes" });
        await src.CopyObjectAsync(source, "original.txt", source, "copy.txt");
        var part = new byte[5 * 1024 * 1024 + 17];
        Random.Shared.NextBytes(part);
        var upload = await src.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = source, Key = "big.bin", ContentType = "application/x-test" });
        var p1 = await src.UploadPartAsync(new UploadPartRequest { BucketName = source, Key = "big.bin", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(part) });
        var p2 = await src.UploadPartAsync(new UploadPartRequest { BucketName = source, Key = "big.bin", UploadId = upload.UploadId, PartNumber = 2, InputStream = new MemoryStream(part[..1000]) });
        await src.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = source, Key = "big.bin", UploadId = upload.UploadId,
            PartETags = [new PartETag(1, p1.ETag), new PartETag(2, p2.ETag)],
        });

        using var dst = pair.Destination.CreateClient();
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 3, "original, copy and big.bin");
        Assert.Equal("copied bytes", await new StreamReader((await dst.GetObjectAsync(destination, "copy.txt")).ResponseStream).ReadToEndAsync());
        var big = await dst.GetObjectAsync(destination, "big.bin");
        using var bytes = new MemoryStream();
        await big.ResponseStream.CopyToAsync(bytes);
        Assert.Equal([.. part, .. part[..1000]], bytes.ToArray());
        Assert.Equal("application/x-test", big.Headers.ContentType);
    }

    [Fact]
    public async Task Delete_markers_arrive_and_a_permanent_delete_leaves_the_replica()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync();
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();
        var kept = await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "kept.txt", ContentBody = "keep me" });
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "gone.txt", ContentBody = "gone" });
        await src.DeleteObjectAsync(source, "gone.txt");
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 3, "two versions and a marker");

        await src.DeleteObjectAsync(new DeleteObjectRequest { BucketName = source, Key = "kept.txt", VersionId = kept.VersionId });
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "after.txt", ContentBody = "after" });
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Any(v => v.Key == "after.txt"), "after.txt");

        var versions = await ReplicationPair.VersionsAsync(dst, destination);
        Assert.True(versions.Single(v => v.Key == "gone.txt" && v.IsLatest == true).IsDeleteMarker);
        var marker = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => dst.GetObjectAsync(destination, "gone.txt"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, marker.StatusCode);
        Assert.Equal("keep me", await new StreamReader((await dst.GetObjectAsync(destination, "kept.txt")).ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Without_DeleteMarkerReplication_markers_stay_on_the_source()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync(deleteMarkers: false);
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "a.txt", ContentBody = "a" });
        await src.DeleteObjectAsync(source, "a.txt");
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "b.txt", ContentBody = "b" });
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Any(v => v.Key == "b.txt"), "b.txt");

        Assert.Equal("a", await new StreamReader((await dst.GetObjectAsync(destination, "a.txt")).ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Only_keys_under_the_rules_prefix_are_replicated()
    {
        var (source, destination) = await pair.ReplicatedBucketsAsync(prefix: "media/");
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "tmp/skip.txt", ContentBody = "no" });
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "media/take.txt", ContentBody = "yes" });
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Any(v => v.Key == "media/take.txt"), "media/take.txt");

        Assert.DoesNotContain(await ReplicationPair.VersionsAsync(dst, destination), v => v.Key == "tmp/skip.txt");
        Assert.Null((await src.GetObjectMetadataAsync(source, "tmp/skip.txt")).ReplicationStatus?.Value);
    }

    [Fact]
    public async Task Two_servers_replicating_to_each_other_do_not_loop()
    {
        var a = await pair.Source.CreateBucketAsync(versioning: true, stem: "both");
        var b = await pair.Destination.CreateBucketAsync(versioning: true, stem: "both");
        using var sa = pair.Source.CreateClient();
        using var sb = pair.Destination.CreateClient();
        await sa.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = a, Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:" + b) });
        await sb.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = b, Configuration = ReplicationPair.Configuration("arn:strata:remote:src:" + a) });

        await sa.PutObjectAsync(new PutObjectRequest { BucketName = a, Key = "from-a.txt", ContentBody = "a" });
        await sb.PutObjectAsync(new PutObjectRequest { BucketName = b, Key = "from-b.txt", ContentBody = "b" });
        await ReplicationPair.EventuallyAsync(async () =>
            (await ReplicationPair.VersionsAsync(sa, a)).Count == 2 && (await ReplicationPair.VersionsAsync(sb, b)).Count == 2, "each key on both sides");
        // A marker while both are quiet; then a later write on each side shows whether anything kept bouncing.
        await sa.DeleteObjectAsync(a, "from-a.txt");
        await sa.PutObjectAsync(new PutObjectRequest { BucketName = a, Key = "last-a.txt", ContentBody = "a" });
        await sb.PutObjectAsync(new PutObjectRequest { BucketName = b, Key = "last-b.txt", ContentBody = "b" });
        await ReplicationPair.EventuallyAsync(async () =>
            (await ReplicationPair.VersionsAsync(sa, a)).Count == 5 && (await ReplicationPair.VersionsAsync(sb, b)).Count == 5, "five entries on both sides");
        await ReplicationPair.EventuallyAsync(async () =>
        {
            using var statusA = await pair.StatusAsync(a);
            return statusA.RootElement.GetProperty("backlogVersions").GetInt64() == 0;
        }, "an empty backlog");

        Assert.Equal(5, (await ReplicationPair.VersionsAsync(sa, a)).Count);
        Assert.Equal(5, (await ReplicationPair.VersionsAsync(sb, b)).Count);
        Assert.Equal("REPLICA", (await sb.GetObjectMetadataAsync(b, "last-a.txt")).ReplicationStatus?.Value);
        Assert.Equal("COMPLETED", (await sb.GetObjectMetadataAsync(b, "last-b.txt")).ReplicationStatus?.Value);
    }

    [Fact]
    public async Task Strata_replicate_queues_what_was_there_before_the_rule_once()
    {
        var source = await pair.Source.CreateBucketAsync(versioning: true, stem: "src");
        var destination = await pair.Destination.CreateBucketAsync(versioning: true, stem: "dst");
        using var src = pair.Source.CreateClient();
        using var dst = pair.Destination.CreateClient();
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "old.txt", ContentBody = "v1" });
        await src.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "old.txt", ContentBody = "v2" });
        await src.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = source, Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:" + destination) });

        using var admin = pair.Source.CreateSigned();
        using var first = await admin.SendAsync(HttpMethod.Post, $"/_strata/admin/replication/{source}/queue");
        Assert.Contains("\"queued\": 2", await first.Content.ReadAsStringAsync());
        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(dst, destination)).Count == 2, "both old versions");
        using var second = await admin.SendAsync(HttpMethod.Post, $"/_strata/admin/replication/{source}/queue");

        Assert.Contains("\"queued\": 0", await second.Content.ReadAsStringAsync());
        Assert.Equal("v2", await new StreamReader((await dst.GetObjectAsync(destination, "old.txt")).ResponseStream).ReadToEndAsync());
    }
}

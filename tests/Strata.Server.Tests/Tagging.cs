using System.Net;

namespace Strata.Server.Tests;

/// <summary>Object tags per version, tags set with the object (PUT, copy, multipart), S3's limits and errors, and bucket tags.</summary>
public sealed class Tagging(StrataServer server) : IClassFixture<StrataServer>
{
    private static List<Tag> Tags(params (string Key, string Value)[] tags) => tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList();

    private static string Text(List<Tag>? tags) => string.Join("&", (tags ?? []).Select(t => t.Key + "=" + t.Value));

    private static async Task<string> TagsOfAsync(IAmazonS3 s3, string bucket, string key, string? versionId = null) =>
        Text((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key, VersionId = versionId })).Tagging);

    private static async Task<string> CodeAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var at = body.IndexOf("<Code>", StringComparison.Ordinal);
        return at < 0 ? "" : body[(at + 6)..body.IndexOf("</Code>", StringComparison.Ordinal)];
    }

    private static Task<PutObjectTaggingResponse> PutTagsAsync(IAmazonS3 s3, string bucket, string key, List<Tag> tags, string? versionId = null) =>
        s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = key, VersionId = versionId, Tagging = new Amazon.S3.Model.Tagging { TagSet = tags } });

    [Fact]
    public async Task Tags_belong_to_one_version_and_change_it_without_creating_another()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "one" });
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "two" });
        var before = await s3.GetObjectMetadataAsync(bucket, "a.txt");

        var put = await PutTagsAsync(s3, bucket, "a.txt", Tags(("project", "x"), ("tier", "gold")), v1.VersionId);
        Assert.Equal(v1.VersionId, put.VersionId);
        var latest = await PutTagsAsync(s3, bucket, "a.txt", Tags(("project", "y")));
        Assert.Equal(v2.VersionId, latest.VersionId);

        Assert.Equal("project=x&tier=gold", await TagsOfAsync(s3, bucket, "a.txt", v1.VersionId));
        Assert.Equal("project=y", await TagsOfAsync(s3, bucket, "a.txt"));
        var get = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "a.txt" });
        Assert.Equal(v2.VersionId, get.VersionId);
        // No version was added, and the latest one kept its ETag and time.
        Assert.Equal(2, (await s3.ListVersionsAsync(bucket)).Versions!.Count);
        var after = await s3.GetObjectMetadataAsync(bucket, "a.txt");
        Assert.Equal((before.ETag, before.LastModified), (after.ETag, after.LastModified));

        var deleted = await s3.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "a.txt", VersionId = v1.VersionId });
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        Assert.Equal("", await TagsOfAsync(s3, bucket, "a.txt", v1.VersionId));
        Assert.Equal("project=y", await TagsOfAsync(s3, bucket, "a.txt"));
    }

    [Fact]
    public async Task GET_and_HEAD_tell_how_many_tags_the_version_has()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "none", ContentBody = "x" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "two", ContentBody = "x", TagSet = Tags(("a", "1"), ("b", "")) });

        using var get = await s3.GetObjectAsync(bucket, "two");
        Assert.Equal(2, get.TagCount);
        using var raw = server.CreateSigned();
        var head = await raw.SendAsync(HttpMethod.Head, $"/{bucket}/two");
        Assert.Equal("2", string.Join(",", head.Headers.GetValues("x-amz-tagging-count")));
        var plain = await raw.SendAsync(HttpMethod.Get, $"/{bucket}/none");
        Assert.False(plain.Headers.Contains("x-amz-tagging-count"));
    }

    [Fact]
    public async Task The_x_amz_tagging_header_tags_a_PUT_and_a_key_alone_has_an_empty_value()
    {
        using var raw = server.CreateSigned();
        var bucket = await server.CreateBucketAsync();
        var put = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/h.txt", body: "x", headers: new Dictionary<string, string> { ["x-amz-tagging"] = "foo=bar&bar&sp%20ace=a%2Bb" });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using var s3 = server.CreateClient();
        Assert.Equal("bar=&foo=bar&sp ace=a+b", await TagsOfAsync(s3, bucket, "h.txt")); // in key order, as S3 lists them

        var tooMany = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/many.txt", body: "x",
            headers: new Dictionary<string, string> { ["x-amz-tagging"] = string.Join("&", Enumerable.Range(0, 11).Select(i => $"k{i}=v")) });
        Assert.Equal((HttpStatusCode.BadRequest, "BadRequest"), (tooMany.StatusCode, await CodeAsync(tooMany)));
        var repeated = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/rep.txt", body: "x", headers: new Dictionary<string, string> { ["x-amz-tagging"] = "a=1&a=2" });
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgument"), (repeated.StatusCode, await CodeAsync(repeated)));
        // Refused writes stored nothing.
        Assert.Equal(HttpStatusCode.NotFound, (await raw.SendAsync(HttpMethod.Head, $"/{bucket}/many.txt")).StatusCode);
    }

    [Theory]
    [InlineData(11, 3, 1, "InvalidTag")]
    [InlineData(10, 129, 1, "InvalidTag")]
    [InlineData(10, 128, 257, "InvalidTag")]
    [InlineData(10, 128, 256, null)]
    public async Task S3s_limits_are_ten_tags_with_keys_of_128_and_values_of_256_characters(int count, int keyLength, int valueLength, string? error)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var tags = Enumerable.Range(0, count).Select(i => new Tag { Key = i.ToString("D3") + new string('k', keyLength - 3), Value = new string('v', valueLength) }).ToList();
        if (error is null)
        {
            await PutTagsAsync(s3, bucket, "k", tags);
            Assert.Equal(count, (await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" })).Tagging.Count);
            return;
        }
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutTagsAsync(s3, bucket, "k", tags));
        Assert.Equal((HttpStatusCode.BadRequest, error), (refused.StatusCode, refused.ErrorCode));
        Assert.Equal("", await TagsOfAsync(s3, bucket, "k"));
    }

    [Theory]
    [InlineData("a#b", "v", "The TagKey you have provided is invalid")]
    [InlineData("a", "<v>", "The TagValue you have provided is invalid")]
    [InlineData("aws:owner", "v", "System tags cannot be added/updated by requester")]
    public async Task Keys_and_values_outside_the_allowed_characters_are_InvalidTag(string key, string value, string message)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutTagsAsync(s3, bucket, "k", Tags((key, value))));
        Assert.Equal(("InvalidTag", message), (refused.ErrorCode, refused.Message));
    }

    [Fact]
    public async Task A_repeated_key_is_InvalidTag_and_a_broken_document_MalformedXML()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var repeated = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutTagsAsync(s3, bucket, "k", Tags(("a", "1"), ("a", "2"))));
        Assert.Equal("InvalidTag", repeated.ErrorCode);

        using var raw = server.CreateSigned();
        const string noValue = "<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>";
        var checksum = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(noValue)));
        var malformed = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", "tagging", noValue, new Dictionary<string, string> { ["x-amz-checksum-sha256"] = checksum });
        Assert.Equal((HttpStatusCode.BadRequest, "MalformedXML"), (malformed.StatusCode, await CodeAsync(malformed)));
        // S3 requires an integrity check of the body: Content-MD5 or an x-amz-checksum-* value.
        var unverified = await raw.SendAsync(HttpMethod.Put, $"/{bucket}/k", "tagging", "<Tagging><TagSet><Tag><Key>a</Key><Value>1</Value></Tag></TagSet></Tagging>");
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), (unverified.StatusCode, await CodeAsync(unverified)));
        Assert.Equal("", await TagsOfAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task Tagging_a_missing_key_or_version_is_NoSuchKey_or_NoSuchVersion()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var noKey = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutTagsAsync(s3, bucket, "missing", Tags(("a", "1"))));
        Assert.Equal("NoSuchKey", noKey.ErrorCode);
        var destroyed = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "y" });
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = destroyed.VersionId });
        var noVersion = await Assert.ThrowsAsync<AmazonS3Exception>(() =>
            s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k", VersionId = destroyed.VersionId }));
        Assert.Equal("NoSuchVersion", noVersion.ErrorCode);
        var marker = await s3.DeleteObjectAsync(bucket, "k"); // a delete marker on top hides the key
        var hidden = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "k" }));
        Assert.Equal("NoSuchKey", hidden.ErrorCode);
        // Named by id, a delete marker is not an object: 405, as GetObject answers it.
        var onMarker = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutTagsAsync(s3, bucket, "k", Tags(("a", "1")), marker.VersionId));
        Assert.Equal((HttpStatusCode.MethodNotAllowed, "MethodNotAllowed"), (onMarker.StatusCode, onMarker.ErrorCode));
    }

    [Fact]
    public async Task A_copy_keeps_the_source_versions_tags_unless_the_directive_is_REPLACE()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "one", TagSet = Tags(("age", "old")) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "src", ContentBody = "two", TagSet = Tags(("age", "new")) });

        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "src", SourceVersionId = v1.VersionId, DestinationBucket = bucket, DestinationKey = "copied" });
        Assert.Equal("age=old", await TagsOfAsync(s3, bucket, "copied"));

        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "replaced",
            TaggingDirective = TaggingDirective.REPLACE, TagSet = Tags(("fresh", "yes")),
        });
        Assert.Equal("fresh=yes", await TagsOfAsync(s3, bucket, "replaced"));

        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "src", DestinationBucket = bucket, DestinationKey = "bare", TaggingDirective = TaggingDirective.REPLACE,
        });
        Assert.Equal("", await TagsOfAsync(s3, bucket, "bare"));
    }

    [Fact]
    public async Task Tags_given_when_a_multipart_upload_starts_are_the_completed_objects()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "big", TagSet = Tags(("Hello", "World"), ("foo", "bar")) });
        var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("x"u8.ToArray()) });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        Assert.Equal("Hello=World&foo=bar", await TagsOfAsync(s3, bucket, "big"));
    }

    [Fact]
    public async Task Bucket_tags_are_set_read_and_removed_and_absent_ones_are_NoSuchTagSet()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var none = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal((HttpStatusCode.NotFound, "NoSuchTagSet"), (none.StatusCode, none.ErrorCode));

        var fifty = Enumerable.Range(0, 50).Select(i => new Tag { Key = "k" + i, Value = "v" + i }).ToList();
        await s3.PutBucketTaggingAsync(new PutBucketTaggingRequest { BucketName = bucket, TagSet = fifty });
        var read = await s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket });
        Assert.Equal(fifty.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => t.Key + "=" + t.Value), read.TagSet.Select(t => t.Key + "=" + t.Value));

        var tooMany = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketTaggingAsync(new PutBucketTaggingRequest
        {
            BucketName = bucket, TagSet = [.. fifty, new Tag { Key = "one-more", Value = "x" }],
        }));
        Assert.Equal((HttpStatusCode.BadRequest, "InvalidTag"), (tooMany.StatusCode, tooMany.ErrorCode));

        var deleted = await s3.DeleteBucketTaggingAsync(new DeleteBucketTaggingRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }));
        Assert.Equal("NoSuchTagSet", gone.ErrorCode);
    }

    [Fact]
    public async Task Tags_survive_a_restart()
    {
        using (var s3 = server.CreateClient())
        {
            var bucket = await server.CreateBucketAsync();
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", TagSet = Tags(("keep", "me")) });
            await server.RestartAsync();
            using var again = server.CreateClient();
            Assert.Equal("keep=me", await TagsOfAsync(again, bucket, "k"));
        }
    }
}

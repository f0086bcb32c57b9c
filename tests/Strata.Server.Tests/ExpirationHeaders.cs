using Amazon.S3.Util;
using S3LifecycleRule = Amazon.S3.Model.LifecycleRule;

namespace Strata.Server.Tests;

/// <summary>
/// x-amz-expiration through AWSSDK.S3 (its Expiration property parses the header): PutObject, HeadObject, GetObject,
/// CopyObject and CompleteMultipartUpload name the Expiration rule that expires the object and the midnight UTC it does,
/// and a configuration change shows on the next request.
/// </summary>
public sealed class ExpirationHeaders(StrataServer server) : IClassFixture<StrataServer>
{
    private static S3LifecycleRule Expire(string id, int days, LifecycleFilterPredicate? filter = null) => new()
    {
        Id = id,
        Status = LifecycleRuleStatus.Enabled,
        Filter = new LifecycleFilter { LifecycleFilterPredicate = filter ?? new LifecyclePrefixPredicate { Prefix = "tmp/" } },
        Expiration = new LifecycleRuleExpiration { Days = days },
    };

    private async Task PutRulesAsync(IAmazonS3 s3, string bucket, params S3LifecycleRule[] rules) =>
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = bucket, Configuration = new LifecycleConfiguration { Rules = [.. rules] } });

    // S3: the write's time plus the days, rounded up to the next midnight UTC.
    private static DateTime DueAt(DateTime written, int days) => written.ToUniversalTime().Date.AddDays(days + 1);

    [Fact]
    public async Task Writes_and_reads_name_the_rule_and_the_midnight_it_expires_the_object()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        await PutRulesAsync(s3, bucket, Expire("tmp files & co", 3));

        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tmp/a.txt", ContentBody = "a" });
        var head = await s3.GetObjectMetadataAsync(bucket, "tmp/a.txt");
        var due = DueAt(head.LastModified!.Value, 3);
        Assert.Equal("tmp files & co", put.Expiration.RuleId);
        Assert.Equal(due, put.Expiration.ExpiryDate.ToUniversalTime());
        Assert.Equal("tmp files & co", head.Expiration.RuleId);
        Assert.Equal(due, head.Expiration.ExpiryDate.ToUniversalTime());
        using (var get = await s3.GetObjectAsync(bucket, "tmp/a.txt")) Assert.Equal(due, get.Expiration.ExpiryDate.ToUniversalTime());

        var copy = await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "tmp/a.txt", DestinationBucket = bucket, DestinationKey = "tmp/b.txt" });
        Assert.Equal("tmp files & co", copy.Expiration.RuleId);

        var upload = await s3.InitiateMultipartUploadAsync(bucket, "tmp/c.bin");
        var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "tmp/c.bin", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[100]) });
        var complete = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "tmp/c.bin", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });
        Assert.Equal("tmp files & co", complete.Expiration.RuleId);
    }

    [Fact]
    public async Task Objects_no_rule_expires_have_no_header_and_a_change_shows_at_once()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep/a.txt", ContentBody = "a" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tmp/a.txt", ContentBody = "a" });
        Assert.Null((await s3.GetObjectMetadataAsync(bucket, "tmp/a.txt")).Expiration);

        await PutRulesAsync(s3, bucket, Expire("tmp", 1));
        Assert.Equal("tmp", (await s3.GetObjectMetadataAsync(bucket, "tmp/a.txt")).Expiration.RuleId);
        Assert.Null((await s3.GetObjectMetadataAsync(bucket, "keep/a.txt")).Expiration);

        // A tag filter: only the tagged object is named.
        await PutRulesAsync(s3, bucket, Expire("temp-tagged", 7, new LifecycleTagPredicate { Tag = new Tag { Key = "class", Value = "temp" } }));
        Assert.Null((await s3.GetObjectMetadataAsync(bucket, "tmp/a.txt")).Expiration);
        await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest { BucketName = bucket, Key = "keep/a.txt", Tagging = new Amazon.S3.Model.Tagging { TagSet = [new Tag { Key = "class", Value = "temp" }] } });
        Assert.Equal("temp-tagged", (await s3.GetObjectMetadataAsync(bucket, "keep/a.txt")).Expiration.RuleId);

        await s3.DeleteLifecycleConfigurationAsync(bucket);
        Assert.Null((await s3.GetObjectMetadataAsync(bucket, "keep/a.txt")).Expiration);
    }

    [Fact]
    public async Task A_multipart_upload_is_matched_by_the_tags_it_was_started_with()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        await PutRulesAsync(s3, bucket, Expire("temp-tagged", 7, new LifecycleTagPredicate { Tag = new Tag { Key = "class", Value = "temp" } }));

        async Task<CompleteMultipartUploadResponse> UploadAsync(string key, List<Tag> tags)
        {
            var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, TagSet = tags });
            var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[100]) });
            return await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        }

        var tagged = await UploadAsync("a.bin", [new Tag { Key = "class", Value = "temp" }]);
        var untagged = await UploadAsync("b.bin", []);

        Assert.Equal("temp-tagged", tagged.Expiration?.RuleId);
        Assert.Null(untagged.Expiration);
    }
}

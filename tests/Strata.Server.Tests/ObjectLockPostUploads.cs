using System.Net;
using System.Text;
using System.Xml.Linq;

namespace Strata.Server.Tests;

/// <summary>Browser (POST) uploads into a bucket with Object Lock: the default retention applies; lock fields are refused, never dropped.</summary>
public sealed class ObjectLockPostUploads(StrataServer server) : IClassFixture<StrataServer>
{
    private async Task<(string Bucket, IAmazonS3 S3)> DefaultRetentionBucketAsync()
    {
        var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName("locked-post");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        await s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Governance, Days = 1 } },
            },
        });
        return (bucket, s3);
    }

    private async Task<HttpResponseMessage> PostAsync(IAmazonS3 s3, string bucket, string key, Dictionary<string, string> fields)
    {
        var presigned = await s3.CreatePresignedPostAsync(new CreatePresignedPostRequest
        {
            BucketName = bucket, Key = key, Expires = DateTime.UtcNow.AddMinutes(10), Fields = fields,
        });
        using var content = PostForms.Content(presigned.Fields, Encoding.UTF8.GetBytes("scan"));
        using var http = new HttpClient();
        return await http.PostAsync(presigned.Url, content);
    }

    [Fact]
    public async Task A_post_upload_gets_the_bucket_default_retention()
    {
        var (bucket, s3) = await DefaultRetentionBucketAsync();
        using (s3)
        {
            using var response = await PostAsync(s3, bucket, "scan.pdf", []);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            var head = await s3.GetObjectMetadataAsync(bucket, "scan.pdf");
            Assert.Equal(ObjectLockMode.Governance, head.ObjectLockMode);
            var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "scan.pdf", VersionId = head.VersionId }));
            Assert.Equal("AccessDenied", refused.ErrorCode);
        }
    }

    [Fact]
    public async Task A_post_upload_with_lock_fields_is_refused_and_stores_nothing()
    {
        var (bucket, s3) = await DefaultRetentionBucketAsync();
        using (s3)
        {
            using var response = await PostAsync(s3, bucket, "scan.pdf", new() { ["x-amz-object-lock-legal-hold"] = "ON" });
            Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
            Assert.Equal("NotImplemented", XDocument.Parse(await response.Content.ReadAsStringAsync()).Root?.Element("Code")?.Value);
            Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
        }
    }
}

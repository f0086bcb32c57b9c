namespace Strata.Browser.Tests;

/// <summary>
/// Issue #14's "done when": an anonymous browser reads a public static bucket's files, but never a media bucket with
/// Block Public Access on. The page is of another origin and fetch() sends no credentials, as a visitor's browser does.
/// </summary>
public sealed class PublicBucketsFromABrowser(StrataServer server, Chromium chromium) : IClassFixture<StrataServer>, IClassFixture<Chromium>
{
    private const string Page = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>site</title></head><body>
        <script>
        async function read(url) {
          let response;
          try { response = await fetch(url, { cache: 'no-store', credentials: 'omit' }); }
          catch (e) { return JSON.stringify({ error: e.message }); }
          return JSON.stringify({ status: response.status, body: await response.text() });
        }
        </script>
        </body></html>
        """;

    private static string PublicRead(string bucket) => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
        """;

    private async Task<string> BucketWithFileAsync(IAmazonS3 s3, string stem, string origin, string content, S3CannedACL? acl = null)
    {
        var bucket = await server.CreateBucketAsync(stem: stem);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "files/a.txt", ContentBody = content, ContentType = "text/plain", CannedACL = acl });
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = [origin], AllowedMethods = ["GET"] }] },
        });
        return bucket;
    }

    private Task<PageAnswer> ReadFromThePageAsync(PageServer site, string bucket) =>
        chromium.RunOnPageAsync(site, "([url]) => read(url)", new[] { new Uri(server.Endpoint, $"/{bucket}/files/a.txt").ToString() });

    [ChromiumFact]
    public async Task A_visitor_reads_the_public_static_bucket_but_never_the_blocked_media_bucket()
    {
        await using var site = await PageServer.StartAsync(Page);
        using var s3 = server.CreateClient();
        var staticBucket = await BucketWithFileAsync(s3, "static", site.OriginText, "site.css contents");
        await s3.PutBucketPolicyAsync(staticBucket, PublicRead(staticBucket));
        // The media bucket was made public by mistake, then Block Public Access was turned on: RestrictPublicBuckets
        // shuts the public out at once, and BlockPublicPolicy refuses the mistake from now on.
        var mediaBucket = await BucketWithFileAsync(s3, "media", site.OriginText, "private photo bytes");
        await s3.PutBucketPolicyAsync(mediaBucket, PublicRead(mediaBucket));
        await s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = mediaBucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true,
            },
        });
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketPolicyAsync(mediaBucket, PublicRead(mediaBucket)));
        Assert.Equal("AccessDenied", again.ErrorCode);

        var fromStatic = await ReadFromThePageAsync(site, staticBucket);
        var fromMedia = await ReadFromThePageAsync(site, mediaBucket);

        Assert.Equal(200, fromStatic.Number("status"));
        Assert.Equal("site.css contents", fromStatic.Text("body"));
        Assert.Equal(403, fromMedia.Number("status"));
        Assert.DoesNotContain("private photo bytes", fromMedia.ToString());
    }

    [ChromiumFact]
    public async Task Files_uploaded_public_read_are_served_to_a_visitor_unless_the_bucket_blocks_public_ACLs()
    {
        await using var site = await PageServer.StartAsync(Page);
        using var s3 = server.CreateClient();
        // django-storages with AWS_DEFAULT_ACL = "public-read", s3cmd --acl-public: the static files carry a public ACL.
        var staticBucket = await BucketWithFileAsync(s3, "static-acl", site.OriginText, "app.js contents", S3CannedACL.PublicRead);
        // The same mistake on the media bucket, then Block Public Access: the public ACL no longer counts, and a new
        // public-read upload is refused.
        var mediaBucket = await BucketWithFileAsync(s3, "media-acl", site.OriginText, "private scan bytes", S3CannedACL.PublicRead);
        await s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = mediaBucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true,
            },
        });
        var again = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = mediaBucket, Key = "files/b.txt", ContentBody = "more", CannedACL = S3CannedACL.PublicRead,
        }));
        Assert.Equal("AccessDenied", again.ErrorCode);

        var fromStatic = await ReadFromThePageAsync(site, staticBucket);
        var fromMedia = await ReadFromThePageAsync(site, mediaBucket);

        Assert.Equal(200, fromStatic.Number("status"));
        Assert.Equal("app.js contents", fromStatic.Text("body"));
        Assert.Equal(403, fromMedia.Number("status"));
        Assert.DoesNotContain("private scan bytes", fromMedia.ToString());
    }
}

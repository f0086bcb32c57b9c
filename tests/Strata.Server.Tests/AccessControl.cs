using System.Net;

namespace Strata.Server.Tests;

/// <summary>Users, their policies, bucket policies and anonymous access, as AWS evaluates them.</summary>
public sealed class AccessControl(StrataServer server) : IClassFixture<StrataServer>
{
    private static string WebAppPolicy(string bucket) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::{{bucket}}/*" },
            { "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::{{bucket}}" }
          ]
        }
        """;

    [Fact]
    public async Task A_web_app_key_can_upload_and_delete_with_a_marker_but_never_destroy_a_version_or_suspend_versioning()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "media");
        var (id, secret) = await server.CreateUserAsync("webapp-" + Guid.NewGuid().ToString("N")[..8], WebAppPolicy(bucket));
        using var app = server.CreateClient(id, secret);
        using var root = server.CreateClient();

        var v1 = await app.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photo.jpg", ContentBody = "v1" });
        await app.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photo.jpg", ContentBody = "v2" });
        Assert.Equal("v2", await Buckets.ReadAsync(app, bucket, "photo.jpg"));
        var marker = await app.DeleteObjectAsync(bucket, "photo.jpg");
        Assert.Equal("true", marker.DeleteMarker);
        // The app may list, and the marker on top hides the key.
        Assert.Empty((await app.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);

        var destroy = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            app.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "photo.jpg", VersionId = v1.VersionId }));
        Assert.Equal("AccessDenied", destroy.ErrorCode);
        var unmark = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            app.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "photo.jpg", VersionId = marker.VersionId }));
        Assert.Equal("AccessDenied", unmark.ErrorCode);
        var bulk = await Assert.ThrowsAsync<DeleteObjectsException>(() => app.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Objects = [new KeyVersion { Key = "photo.jpg", VersionId = v1.VersionId }],
        }));
        Assert.Equal("AccessDenied", Assert.Single(bulk.Response.DeleteErrors!).Code);
        var suspend = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        }));
        Assert.Equal("AccessDenied", suspend.ErrorCode);

        // Nothing was destroyed: the root user still sees every version, and versioning is still on.
        var versions = await root.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(3, versions.Versions!.Count);
        Assert.Equal("v1", await Buckets.ReadAsync(root, bucket, "photo.jpg", v1.VersionId));
        Assert.Equal(VersionStatus.Enabled, (await root.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task A_user_without_a_policy_can_do_nothing_and_other_buckets_stay_closed()
    {
        var bucket = await server.CreateBucketAsync();
        var other = await server.CreateBucketAsync();
        var (id, secret) = await server.CreateUserAsync("scoped-" + Guid.NewGuid().ToString("N")[..8], WebAppPolicy(bucket));
        var (bareId, bareSecret) = await server.CreateUserAsync("bare-" + Guid.NewGuid().ToString("N")[..8]);
        using var app = server.CreateClient(id, secret);
        using var bare = server.CreateClient(bareId, bareSecret);
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            app.PutObjectAsync(new PutObjectRequest { BucketName = other, Key = "x", ContentBody = "x" }))).ErrorCode);
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            bare.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "x", ContentBody = "x" }))).ErrorCode);
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => bare.ListBucketsAsync())).ErrorCode);
        using var root = server.CreateClient();
        Assert.True((await root.ListObjectsV2Async(new ListObjectsV2Request { BucketName = other })).KeyCount is null or 0);
    }

    [Fact]
    public async Task A_public_read_bucket_policy_opens_GET_to_anyone_and_nothing_else()
    {
        var bucket = await server.CreateBucketAsync(stem: "static");
        using var root = server.CreateClient();
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "css/site.css", ContentBody = "body{}", ContentType = "text/css" });
        using var anonymous = new HttpClient { BaseAddress = server.Endpoint };
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/css/site.css")).StatusCode);

        var policy = $$"""
            {"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """;
        await root.PutBucketPolicyAsync(bucket, policy);
        Assert.Contains("PublicRead", (await root.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy);

        var get = await anonymous.GetAsync($"/{bucket}/css/site.css");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal("body{}", await get.Content.ReadAsStringAsync());
        var put = await anonymous.PutAsync($"/{bucket}/css/evil.css", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Forbidden, put.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await put.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}")).StatusCode); // listing is not granted
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.DeleteAsync($"/{bucket}/css/site.css")).StatusCode);
        await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => root.GetObjectMetadataAsync(bucket, "css/evil.css"));

        await root.DeleteBucketPolicyAsync(bucket);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/css/site.css")).StatusCode);
        await AssertNoPolicyAsync(bucket);
    }

    [Fact]
    public async Task An_explicit_deny_in_the_bucket_policy_beats_the_users_allow()
    {
        var bucket = await server.CreateBucketAsync();
        var name = "admin-" + Guid.NewGuid().ToString("N")[..8];
        var (id, secret) = await server.CreateUserAsync(name, """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::000000000000:user/{{name}}"},"Action":"s3:DeleteObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var user = server.CreateClient(id, secret);
        await user.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "keep", ContentBody = "x" });
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.DeleteObjectAsync(bucket, "keep"))).ErrorCode);
        Assert.Equal("x", await Buckets.ReadAsync(root, bucket, "keep"));
    }

    [Fact]
    public async Task Conditions_on_source_ip_and_secure_transport_are_evaluated()
    {
        var bucket = await server.CreateBucketAsync();
        var (id, secret) = await server.CreateUserAsync("ip-" + Guid.NewGuid().ToString("N")[..8], """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::BUCKET/*","Condition":{"IpAddress":{"aws:SourceIp":"127.0.0.0/8"}}},
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::BUCKET/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}
            ]}
            """.Replace("BUCKET", bucket));
        using var user = server.CreateClient(id, secret);
        await user.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.GetObjectAsync(bucket, "k"))).ErrorCode);

        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(bucket, """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """.Replace("BUCKET", bucket));
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            user.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k2", ContentBody = "x" }))).ErrorCode);
        // The root user may always change the policy that locked everyone out over plain HTTP.
        await root.DeleteBucketPolicyAsync(bucket);
        await user.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k2", ContentBody = "x" });
    }

    [Fact]
    public async Task A_malformed_bucket_policy_is_MalformedPolicy_and_stores_nothing()
    {
        var bucket = await server.CreateBucketAsync();
        using var root = server.CreateClient();
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => root.PutBucketPolicyAsync(bucket, """{"Statement":[{"Effect":"Allow"}]}"""));
        Assert.Equal("MalformedPolicy", error.ErrorCode);
        await AssertNoPolicyAsync(bucket);
    }

    // AWSSDK.S3 answers a missing policy with an empty Policy rather than an exception; the wire says 404 NoSuchBucketPolicy.
    private async Task AssertNoPolicyAsync(string bucket)
    {
        using var signed = server.CreateSigned();
        var response = await signed.SendAsync(HttpMethod.Get, $"/{bucket}", "policy");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<Code>NoSuchBucketPolicy</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Disabling_or_deleting_a_key_and_removing_a_user_stop_its_requests_at_once()
    {
        var bucket = await server.CreateBucketAsync();
        var name = "temp-" + Guid.NewGuid().ToString("N")[..8];
        var (id, secret) = await server.CreateUserAsync(name, WebAppPolicy(bucket));
        using var user = server.CreateClient(id, secret);
        await user.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "x" });
        using var admin = server.CreateSigned();
        (await admin.SendAsync(HttpMethod.Post, $"/_strata/admin/keys/{id}", "status=Inactive")).EnsureSuccessStatusCode();
        Assert.Equal("InvalidAccessKeyId", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.GetObjectAsync(bucket, "a"))).ErrorCode);
        (await admin.SendAsync(HttpMethod.Post, $"/_strata/admin/keys/{id}", "status=Active")).EnsureSuccessStatusCode();
        Assert.Equal("x", await Buckets.ReadAsync(user, bucket, "a"));
        (await admin.SendAsync(HttpMethod.Delete, $"/_strata/admin/users/{name}")).EnsureSuccessStatusCode();
        Assert.Equal("InvalidAccessKeyId", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.GetObjectAsync(bucket, "a"))).ErrorCode);
    }

    [Fact]
    public async Task Only_the_root_user_may_call_the_admin_API()
    {
        var (id, secret) = await server.CreateUserAsync("nosy-" + Guid.NewGuid().ToString("N")[..8],
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        using var user = server.CreateSigned(id, secret);
        var response = await user.SendAsync(HttpMethod.Post, "/_strata/admin/users", "name=intruder");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var anonymous = new HttpClient { BaseAddress = server.Endpoint };
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync("/_strata/admin/users")).StatusCode);
        using var admin = server.CreateSigned();
        var users = await (await admin.SendAsync(HttpMethod.Get, "/_strata/admin/users")).Content.ReadAsStringAsync();
        Assert.DoesNotContain("intruder", users);
        Assert.DoesNotContain(secret, users);
    }
}

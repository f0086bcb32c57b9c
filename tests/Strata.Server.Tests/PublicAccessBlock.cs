using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Server.Tests;

/// <summary>
/// Block Public Access through AWSSDK.S3: Put/Get/DeletePublicAccessBlock, GetBucketPolicyStatus, and what each of
/// the settings refuses (S3, "Blocking public access to your Amazon S3 storage").
/// </summary>
public sealed class PublicAccessBlock(StrataServer server) : IClassFixture<StrataServer>
{
    private static string PublicRead(string bucket, string condition = "") => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject",
          "Resource":"arn:aws:s3:::{{bucket}}/*"{{condition}}}]}
        """;

    private static Task PutAsync(IAmazonS3 s3, string bucket, bool blockAcls = false, bool ignoreAcls = false, bool blockPolicy = false, bool restrict = false) =>
        s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
            {
                BlockPublicAcls = blockAcls, IgnorePublicAcls = ignoreAcls, BlockPublicPolicy = blockPolicy, RestrictPublicBuckets = restrict,
            },
        });

    private static Dictionary<string, string> WithChecksum(string body) =>
        new() { ["x-amz-checksum-sha256"] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body))) };

    [Fact]
    public async Task A_configuration_reads_back_as_put_and_is_gone_after_delete()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("NoSuchPublicAccessBlockConfiguration", none.ErrorCode);

        await PutAsync(s3, bucket, blockAcls: true, blockPolicy: true);

        var read = (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        Assert.True(read.BlockPublicAcls);
        Assert.False(read.IgnorePublicAcls);
        Assert.True(read.BlockPublicPolicy);
        Assert.False(read.RestrictPublicBuckets);

        var deleted = await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }));
        Assert.Equal("NoSuchPublicAccessBlockConfiguration", gone.ErrorCode);
        // S3 answers 204 to a delete when there is nothing to delete, too.
        Assert.Equal(HttpStatusCode.NoContent, (await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket })).HttpStatusCode);
    }

    [Fact]
    public async Task A_missing_bucket_is_NoSuchBucket()
    {
        using var s3 = server.CreateClient();
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = StrataServer.UniqueBucketName() }));
        Assert.Equal("NoSuchBucket", missing.ErrorCode);
    }

    [Theory]
    [InlineData("<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls><BlockPublicAcls>false</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockEverything>true</BlockEverything></PublicAccessBlockConfiguration>")]
    [InlineData("<CORSConfiguration/>")]
    [InlineData("<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e \"true\">]><PublicAccessBlockConfiguration><BlockPublicAcls>&e;</BlockPublicAcls></PublicAccessBlockConfiguration>")]
    public async Task A_malformed_configuration_is_MalformedXML_and_nothing_is_stored(string body)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await PutAsync(s3, bucket, restrict: true);
        using var signed = server.CreateSigned();

        using var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "publicAccessBlock", body, WithChecksum(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>MalformedXML</Code>", await response.Content.ReadAsStringAsync());
        var kept = (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        Assert.True(kept.RestrictPublicBuckets);
        Assert.False(kept.BlockPublicAcls);
    }

    [Fact]
    public async Task A_configuration_without_Content_MD5_or_a_checksum_is_refused_and_left_out_elements_are_false()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        const string body = "<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>";

        using var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "publicAccessBlock", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>InvalidRequest</Code>", await response.Content.ReadAsStringAsync());
        // Elements left out are false, as S3 reads them.
        using var accepted = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "publicAccessBlock", body, WithChecksum(body));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var s3 = server.CreateClient();
        var read = (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket })).PublicAccessBlockConfiguration;
        Assert.True(read.BlockPublicAcls);
        Assert.False(read.BlockPublicPolicy);
    }

    [Fact]
    public async Task Policy_status_says_whether_the_policy_is_public()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        // S3 answers NoSuchBucketPolicy for a bucket without a policy.
        var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket }));
        Assert.Equal("NoSuchBucketPolicy", none.ErrorCode);

        await s3.PutBucketPolicyAsync(bucket, PublicRead(bucket));
        Assert.True((await s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);

        await s3.PutBucketPolicyAsync(bucket, PublicRead(bucket, """, "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/24"}}"""));
        Assert.False((await s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);

        await s3.PutBucketPolicyAsync(bucket, PublicRead(bucket, """, "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}"""));
        Assert.True((await s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);

        await s3.PutBucketPolicyAsync(bucket, PublicRead(bucket).Replace("\"Principal\":\"*\"", "\"Principal\":{\"AWS\":\"arn:aws:iam::000000000000:root\"}"));
        Assert.False((await s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket })).PolicyStatus.IsPublic);
    }

    [Fact]
    public async Task BlockPublicPolicy_refuses_a_public_policy_and_keeps_the_one_in_place()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var restricted = PublicRead(bucket, """, "Condition": {"IpAddress": {"aws:SourceIp": "192.0.2.0/24"}}""");
        await s3.PutBucketPolicyAsync(bucket, restricted);
        await PutAsync(s3, bucket, blockPolicy: true);

        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketPolicyAsync(bucket, PublicRead(bucket)));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("AccessDenied", refused.ErrorCode);
        Assert.Contains("192.0.2.0/24", (await s3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket })).Policy);
        using var anonymous = new HttpClient { BaseAddress = server.Endpoint };
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "a" });
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/a.txt")).StatusCode);
        // A policy that is not public is still accepted.
        await s3.PutBucketPolicyAsync(bucket, PublicRead(bucket, """, "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}"""));
    }

    [Fact]
    public async Task RestrictPublicBuckets_shuts_out_anonymous_readers_while_the_owner_and_the_accounts_users_still_read()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(stem: "media");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photo.jpg", ContentBody = "pixels" });
        await s3.PutBucketPolicyAsync(bucket, PublicRead(bucket));
        using var anonymous = new HttpClient { BaseAddress = server.Endpoint };
        Assert.Equal("pixels", await anonymous.GetStringAsync($"/{bucket}/photo.jpg"));
        var (id, secret) = await server.CreateUserAsync("reader-" + Guid.NewGuid().ToString("N")[..8], $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var user = server.CreateClient(id, secret);

        await PutAsync(s3, bucket, restrict: true);

        var denied = await anonymous.GetAsync($"/{bucket}/photo.jpg");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.DoesNotContain("pixels", await denied.Content.ReadAsStringAsync());
        Assert.Equal("pixels", await Buckets.ReadAsync(s3, bucket, "photo.jpg"));
        Assert.Equal("pixels", await Buckets.ReadAsync(user, bucket, "photo.jpg"));

        await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        Assert.Equal("pixels", await anonymous.GetStringAsync($"/{bucket}/photo.jpg"));
    }

    [Fact]
    public async Task RestrictPublicBuckets_leaves_a_policy_that_is_not_public_alone()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "a" });
        // The test client connects from 127.0.0.1: a /8 is narrow enough not to be public.
        await s3.PutBucketPolicyAsync(bucket, PublicRead(bucket, """, "Condition": {"IpAddress": {"aws:SourceIp": "127.0.0.0/8"}}"""));
        await PutAsync(s3, bucket, restrict: true);
        using var anonymous = new HttpClient { BaseAddress = server.Endpoint };
        Assert.Equal("a", await anonymous.GetStringAsync($"/{bucket}/a.txt"));
    }

    [Theory]
    [InlineData("x-amz-acl", "public-read")]
    [InlineData("x-amz-acl", "public-read-write")]
    [InlineData("x-amz-acl", "authenticated-read")]
    [InlineData("x-amz-grant-read", "uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"")]
    [InlineData("x-amz-grant-full-control", "uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"")]
    public async Task BlockPublicAcls_refuses_a_write_with_a_public_acl_and_stores_nothing(string header, string value)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        await PutAsync(s3, bucket, blockAcls: true);

        using var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/a.txt", body: "a", headers: new Dictionary<string, string> { [header] = value });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await response.Content.ReadAsStringAsync());
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b.txt", ContentBody = "b", CannedACL = S3CannedACL.Private });
    }

    [Fact]
    public async Task BlockPublicAcls_refuses_a_browser_upload_whose_form_asks_for_a_public_acl()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await PutAsync(s3, bucket, blockAcls: true);
        var fields = PostForms.SignedV2($$"""{"bucket": "{{bucket}}"}, ["starts-with", "$key", ""], {"acl": "public-read"}""", server.Time.GetUtcNow().AddMinutes(5));
        fields.InsertRange(0, [new("key", "a.txt"), new("acl", "public-read")]);
        using var content = PostForms.Content(fields, Encoding.UTF8.GetBytes("a"));
        using var http = new HttpClient();

        using var response = await http.PostAsync(new Uri(server.Endpoint, bucket), content);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await response.Content.ReadAsStringAsync());
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }
}

/// <summary>The administrator's default for new buckets (PUT /_strata/admin/public-access-block), on a server of its own.</summary>
public sealed class PublicAccessBlockDefault
{
    [Fact]
    public async Task The_default_applies_to_buckets_created_after_it_only()
    {
        var server = new StrataServer();
        try
        {
            await server.StartAsync();
            using var s3 = server.CreateClient();
            using var admin = server.CreateSigned();
            var before = await server.CreateBucketAsync();

            using (var set = await admin.SendAsync(HttpMethod.Put, "/_strata/admin/public-access-block", "blockPublicAcls=true&blockPublicPolicy=true&restrictPublicBuckets=true"))
            {
                Assert.Equal(HttpStatusCode.OK, set.StatusCode);
                Assert.Contains("\"restrictPublicBuckets\": true", await set.Content.ReadAsStringAsync());
            }
            var after = await server.CreateBucketAsync();

            var own = (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = after })).PublicAccessBlockConfiguration;
            Assert.True(own.BlockPublicAcls);
            Assert.False(own.IgnorePublicAcls);
            Assert.True(own.BlockPublicPolicy);
            Assert.True(own.RestrictPublicBuckets);
            var old = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = before }));
            Assert.Equal("NoSuchPublicAccessBlockConfiguration", old.ErrorCode);
            var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketPolicyAsync(after, $$"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{after}}/*"}]}
                """));
            Assert.Equal("AccessDenied", refused.ErrorCode);
            // A CreateBucket with a public canned ACL is held to the default its bucket would start with.
            var publicBucket = StrataServer.UniqueBucketName();
            var createRefused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
                s3.PutBucketAsync(new PutBucketRequest { BucketName = publicBucket, CannedACL = S3CannedACL.PublicRead }));
            Assert.Equal(HttpStatusCode.Forbidden, createRefused.StatusCode);
            Assert.DoesNotContain((await s3.ListBucketsAsync()).Buckets ?? [], b => b.BucketName == publicBucket);

            using (var removed = await admin.SendAsync(HttpMethod.Delete, "/_strata/admin/public-access-block"))
            {
                Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
            }
            var later = await server.CreateBucketAsync();
            var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = later }));
            Assert.Equal("NoSuchPublicAccessBlockConfiguration", none.ErrorCode);
            Assert.True((await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = after })).PublicAccessBlockConfiguration.RestrictPublicBuckets);
            using var unset = await admin.SendAsync(HttpMethod.Get, "/_strata/admin/public-access-block");
            Assert.Contains("\"set\": false", await unset.Content.ReadAsStringAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

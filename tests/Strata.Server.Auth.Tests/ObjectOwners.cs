using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Testing;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// Objects and uploads another account writes into a bucket (no ownership controls: ObjectWriter) are that account's,
/// as in Amazon S3: listings and ACLs name it as owner, its ACL governs access even for the bucket owner, and the
/// bucket owner may still delete them.
/// </summary>
public sealed class ObjectOwners(StrataServer server) : IClassFixture<StrataServer>
{
    private sealed record CreatedAccount(string Name, string AccountId, string CanonicalId, string AccessKeyId, string Secret);

    private async Task<CreatedAccount> CreateAccountAsync()
    {
        var name = "acct-" + Guid.NewGuid().ToString("N")[..8];
        using var admin = server.CreateSigned();
        var response = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/accounts", $"name={name}");
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string Field(string field) => json.RootElement.GetProperty(field).GetString()!;
        return new CreatedAccount(name, Field("accountId"), Field("canonicalId"), Field("accessKeyId"), Field("secretAccessKey"));
    }

    /// <summary>A bucket of the server's own root that lets <paramref name="other"/> do anything in it, by bucket policy.</summary>
    private async Task<string> SharedBucketAsync(CreatedAccount other)
    {
        var bucket = await server.CreateBucketAsync();
        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{other.AccountId}}:root"},"Action":"s3:*",
               "Resource":["arn:aws:s3:::{{bucket}}","arn:aws:s3:::{{bucket}}/*"]}
            ]}
            """);
        return bucket;
    }

    private static async Task<string> OwnCanonicalIdAsync(IAmazonS3 root) => (await root.ListBucketsAsync()).Owner.Id;

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }

    private static async Task AssertAccessDeniedAsync(Func<Task> call)
    {
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("AccessDenied", refused.ErrorCode);
    }

    [Fact]
    public async Task An_upload_another_account_starts_lists_that_account_as_initiator_and_owner()
    {
        var other = await CreateAccountAsync();
        var bucket = await SharedBucketAsync(other);
        using var root = server.CreateClient();
        using var s3 = server.CreateClient(other.AccessKeyId, other.Secret);
        var ownId = await OwnCanonicalIdAsync(root);
        var mine = await root.InitiateMultipartUploadAsync(bucket, "a-mine");
        var theirs = await s3.InitiateMultipartUploadAsync(bucket, "b-theirs");

        foreach (var client in new[] { root, s3 })
        {
            var uploads = (await client.ListMultipartUploadsAsync(bucket)).MultipartUploads;
            Assert.Equal(2, uploads.Count);
            Assert.Equal((mine.UploadId, ownId, ownId), (uploads[0].UploadId, uploads[0].Initiator.Id, uploads[0].Owner.Id));
            Assert.Equal((theirs.UploadId, other.CanonicalId, other.CanonicalId), (uploads[1].UploadId, uploads[1].Initiator.Id, uploads[1].Owner.Id));
            Assert.Equal(other.Name, uploads[1].Owner.DisplayName);
        }
        var parts = await root.ListPartsAsync(bucket, "b-theirs", theirs.UploadId);
        Assert.Equal((other.CanonicalId, other.CanonicalId), (parts.Initiator.Id, parts.Owner.Id));
        var ownParts = await root.ListPartsAsync(bucket, "a-mine", mine.UploadId);
        Assert.Equal((ownId, ownId), (ownParts.Initiator.Id, ownParts.Owner.Id));
    }

    [Fact]
    public async Task The_bucket_owner_cannot_read_an_object_another_account_wrote_without_a_grant_but_may_delete_it()
    {
        var other = await CreateAccountAsync();
        var bucket = await SharedBucketAsync(other);
        using var root = server.CreateClient();
        using var s3 = server.CreateClient(other.AccessKeyId, other.Secret);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "theirs.txt", ContentBody = "theirs" });
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "mine.txt", ContentBody = "mine" });

        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "theirs.txt" });
        Assert.Equal(other.CanonicalId, acl.Owner.Id);
        Assert.Equal("theirs", await ReadAsync(s3, bucket, "theirs.txt"));
        await AssertAccessDeniedAsync(() => root.GetObjectAsync(bucket, "theirs.txt"));
        await AssertAccessDeniedAsync(() => root.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "theirs.txt" }));
        await AssertAccessDeniedAsync(() => root.CopyObjectAsync(bucket, "theirs.txt", bucket, "copy.txt"));
        Assert.Equal("mine", await ReadAsync(root, bucket, "mine.txt"));

        await root.DeleteObjectAsync(bucket, "theirs.txt");
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "theirs.txt"));
        Assert.Equal("NoSuchKey", gone.ErrorCode);
    }

    [Fact]
    public async Task Bucket_owner_read_lets_the_bucket_owner_read_the_object_but_not_its_acl()
    {
        var other = await CreateAccountAsync();
        var bucket = await SharedBucketAsync(other);
        using var root = server.CreateClient();
        using var s3 = server.CreateClient(other.AccessKeyId, other.Secret);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "shared.txt", ContentBody = "shared", CannedACL = S3CannedACL.BucketOwnerRead });

        Assert.Equal("shared", await ReadAsync(root, bucket, "shared.txt"));
        await AssertAccessDeniedAsync(() => root.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "shared.txt" }));
        await AssertAccessDeniedAsync(() => root.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "shared.txt", ACL = S3CannedACL.Private }));
    }

    [Fact]
    public async Task Bucket_owner_full_control_lets_the_bucket_owner_read_the_object_and_its_acl_which_still_names_the_writer()
    {
        var other = await CreateAccountAsync();
        var bucket = await SharedBucketAsync(other);
        using var root = server.CreateClient();
        using var s3 = server.CreateClient(other.AccessKeyId, other.Secret);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "given.txt", ContentBody = "given", CannedACL = S3CannedACL.BucketOwnerFullControl });

        Assert.Equal("given", await ReadAsync(root, bucket, "given.txt"));
        var ownId = await OwnCanonicalIdAsync(root);
        var acl = await root.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "given.txt" });
        Assert.Equal(other.CanonicalId, acl.Owner.Id);
        Assert.Contains(acl.Grants, g => g.Grantee.CanonicalUser == ownId && g.Permission == S3Permission.FULL_CONTROL);
    }

    [Fact]
    public async Task Listings_name_the_account_that_wrote_each_object_as_its_owner()
    {
        var other = await CreateAccountAsync();
        var bucket = await SharedBucketAsync(other);
        using var root = server.CreateClient();
        using var s3 = server.CreateClient(other.AccessKeyId, other.Secret);
        var ownId = await OwnCanonicalIdAsync(root);
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a-mine.txt", ContentBody = "mine" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b-theirs.txt", ContentBody = "theirs" });

        var objects = (await root.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, FetchOwner = true })).S3Objects;
        Assert.Equal([("a-mine.txt", ownId), ("b-theirs.txt", other.CanonicalId)], objects.Select(o => (o.Key, o.Owner.Id)).ToArray());
        var versions = (await root.ListVersionsAsync(bucket)).Versions;
        Assert.Equal([("a-mine.txt", ownId), ("b-theirs.txt", other.CanonicalId)], versions.Select(v => (v.Key, v.Owner.Id)).ToArray());
        var v1 = (await root.ListObjectsAsync(bucket)).S3Objects;
        Assert.Equal(other.Name, v1.Single(o => o.Key == "b-theirs.txt").Owner.DisplayName);
    }
}

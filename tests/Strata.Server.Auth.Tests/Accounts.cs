using System.Net;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Testing;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// Accounts besides the server's own, as Amazon S3 keeps accounts apart: a bucket belongs to the account that made
/// it; another account reaches it only where the bucket policy allows, an explicit Deny winning; ListBuckets shows
/// each account its own; bucket names stay global; x-amz-expected-bucket-owner checks the owner's account id.
/// </summary>
public sealed class Accounts(StrataServer server) : IClassFixture<StrataServer>
{
    /// <summary>The server's own account id (StrataServerOptions.AccountId's default): its root made the buckets.</summary>
    private const string OwnAccountId = "000000000000";

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

    private AmazonS3Client ClientOf(CreatedAccount account) => server.CreateClient(account.AccessKeyId, account.Secret);

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }

    private static async Task<AmazonS3Exception> RefusedAsync(Func<Task> call) => await Assert.ThrowsAnyAsync<AmazonS3Exception>(call);

    private async Task<string> BucketWithObjectAsync()
    {
        var bucket = await server.CreateBucketAsync();
        using var root = server.CreateClient();
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "mine" });
        return bucket;
    }

    [Fact]
    public async Task Another_account_can_neither_read_write_list_nor_delete_a_bucket_without_a_policy()
    {
        var bucket = await BucketWithObjectAsync();
        var other = await CreateAccountAsync();
        using var s3 = ClientOf(other);

        foreach (var call in new Func<Task>[]
        {
            () => s3.GetObjectAsync(bucket, "a.txt"),
            () => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b.txt", ContentBody = "theirs" }),
            () => s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket }),
            () => s3.DeleteObjectAsync(bucket, "a.txt"),
            () => s3.DeleteBucketAsync(bucket),
            () => s3.GetBucketPolicyAsync(bucket),
        })
        {
            var refused = await RefusedAsync(call);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("AccessDenied", refused.ErrorCode);
        }
        using var root = server.CreateClient();
        Assert.Equal("mine", await ReadAsync(root, bucket, "a.txt"));
        Assert.Single((await root.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects!);
    }

    [Fact]
    public async Task A_bucket_policy_naming_the_account_lets_it_do_exactly_what_the_policy_allows()
    {
        var bucket = await BucketWithObjectAsync();
        var other = await CreateAccountAsync();
        var stranger = await CreateAccountAsync();
        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::{{other.AccountId}}:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"},
              {"Effect":"Allow","Principal":{"AWS":"{{other.AccountId}}"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{bucket}}"}
            ]}
            """);
        using var s3 = ClientOf(other);

        Assert.Equal("mine", await ReadAsync(s3, bucket, "a.txt"));
        Assert.Equal("a.txt", Assert.Single((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects!).Key);
        Assert.Equal("AccessDenied", (await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b.txt", ContentBody = "x" }))).ErrorCode);
        Assert.Equal("AccessDenied", (await RefusedAsync(() => s3.DeleteObjectAsync(bucket, "a.txt"))).ErrorCode);
        // A third account is not named, so nothing changed for it.
        using var strangerS3 = ClientOf(stranger);
        Assert.Equal("AccessDenied", (await RefusedAsync(() => strangerS3.GetObjectAsync(bucket, "a.txt"))).ErrorCode);
        Assert.Equal("mine", await ReadAsync(root, bucket, "a.txt"));
    }

    [Fact]
    public async Task A_policy_for_everyone_admits_other_accounts_and_an_explicit_deny_for_one_of_them_wins()
    {
        var bucket = await BucketWithObjectAsync();
        var allowed = await CreateAccountAsync();
        var denied = await CreateAccountAsync();
        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"},
              {"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::{{denied.AccountId}}:root"},"Action":"s3:*","Resource":"arn:aws:s3:::{{bucket}}/*"}
            ]}
            """);
        using var allowedS3 = ClientOf(allowed);
        using var deniedS3 = ClientOf(denied);

        Assert.Equal("mine", await ReadAsync(allowedS3, bucket, "a.txt"));
        var refused = await RefusedAsync(() => deniedS3.GetObjectAsync(bucket, "a.txt"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("AccessDenied", refused.ErrorCode);
        Assert.Equal("mine", await ReadAsync(root, bucket, "a.txt"));
    }

    [Fact]
    public async Task Another_account_that_a_policy_lets_manage_the_policy_is_answered_405()
    {
        var bucket = await BucketWithObjectAsync();
        var other = await CreateAccountAsync();
        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{other.AccountId}}"},"Action":"s3:*","Resource":["arn:aws:s3:::{{bucket}}","arn:aws:s3:::{{bucket}}/*"]}]}
            """);
        using var s3 = ClientOf(other);

        var read = await RefusedAsync(() => s3.GetBucketPolicyAsync(bucket));
        var delete = await RefusedAsync(() => s3.DeleteBucketPolicyAsync(bucket));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, read.StatusCode);
        Assert.Equal("MethodNotAllowed", read.ErrorCode);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, delete.StatusCode);
        Assert.Contains(other.AccountId, (await root.GetBucketPolicyAsync(bucket)).Policy);
    }

    [Fact]
    public async Task ListBuckets_shows_each_account_only_its_own_buckets_and_itself_as_owner()
    {
        var mine = await server.CreateBucketAsync();
        var other = await CreateAccountAsync();
        using var s3 = ClientOf(other);
        var theirs = StrataServer.UniqueBucketName("theirs");
        await s3.PutBucketAsync(theirs);

        var theirList = await s3.ListBucketsAsync();
        using var root = server.CreateClient();
        var myList = await root.ListBucketsAsync();

        Assert.Equal(theirs, Assert.Single(theirList.Buckets!).BucketName);
        Assert.Equal(other.CanonicalId, theirList.Owner.Id);
        Assert.Equal(other.Name, theirList.Owner.DisplayName);
        Assert.Contains(myList.Buckets!, b => b.BucketName == mine);
        Assert.DoesNotContain(myList.Buckets!, b => b.BucketName == theirs);
        Assert.NotEqual(other.CanonicalId, myList.Owner.Id);
        // Listings of the other account's bucket name it as the owner.
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = theirs, Key = "k", ContentBody = "x" });
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = theirs, FetchOwner = true });
        Assert.Equal(other.CanonicalId, Assert.Single(listed.S3Objects!).Owner.Id);
    }

    [Fact]
    public async Task Creating_a_bucket_another_account_owns_is_BucketAlreadyExists()
    {
        var bucket = await server.CreateBucketAsync();
        var other = await CreateAccountAsync();
        using var s3 = ClientOf(other);

        var refused = await RefusedAsync(() => s3.PutBucketAsync(bucket));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("BucketAlreadyExists", refused.ErrorCode);
        // The owner creating it again is answered as before (200 in us-east-1), and it is still the owner's.
        using var root = server.CreateClient();
        await root.PutBucketAsync(bucket);
        Assert.Contains((await root.ListBucketsAsync()).Buckets!, b => b.BucketName == bucket);
        Assert.Empty((await s3.ListBucketsAsync()).Buckets ?? []);
    }

    [Fact]
    public async Task An_expected_bucket_owner_that_is_not_the_owner_is_refused_403_and_the_owner_passes()
    {
        var bucket = await BucketWithObjectAsync();
        var other = await CreateAccountAsync();
        using var root = server.CreateClient();

        var wrongGet = await RefusedAsync(() => root.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "a.txt", ExpectedBucketOwner = other.AccountId }));
        var wrongPut = await RefusedAsync(() => root.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "b.txt", ContentBody = "x", ExpectedBucketOwner = other.AccountId,
        }));
        var wrongList = await RefusedAsync(() => root.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ExpectedBucketOwner = other.AccountId }));

        foreach (var refused in new[] { wrongGet, wrongPut, wrongList })
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("AccessDenied", refused.ErrorCode);
        }
        Assert.Equal("NoSuchKey", (await RefusedAsync(() => root.GetObjectAsync(bucket, "b.txt"))).ErrorCode); // the refused PUT wrote nothing
        using var right = await root.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "a.txt", ExpectedBucketOwner = OwnAccountId });
        Assert.Equal(HttpStatusCode.OK, right.HttpStatusCode);
    }

    [Fact]
    public async Task A_copy_checks_the_source_buckets_expected_owner_too()
    {
        var source = await BucketWithObjectAsync();
        var other = await CreateAccountAsync();
        using var s3 = ClientOf(other);
        var target = StrataServer.UniqueBucketName("target");
        await s3.PutBucketAsync(target);
        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(source, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{other.AccountId}}"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{{source}}/*"}]}
            """);
        CopyObjectRequest Copy(string expectedSource) => new()
        {
            SourceBucket = source, SourceKey = "a.txt", DestinationBucket = target, DestinationKey = "copy.txt",
            ExpectedBucketOwner = other.AccountId, ExpectedSourceBucketOwner = expectedSource,
        };

        var refused = await RefusedAsync(() => s3.CopyObjectAsync(Copy(other.AccountId)));
        await s3.CopyObjectAsync(Copy(OwnAccountId));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("AccessDenied", refused.ErrorCode);
        Assert.Equal("mine", await ReadAsync(s3, target, "copy.txt"));
    }

    [Fact]
    public async Task A_policy_can_let_another_account_copy_only_from_a_given_source_prefix()
    {
        var source = await server.CreateBucketAsync();
        var target = await server.CreateBucketAsync();
        var other = await CreateAccountAsync();
        using var root = server.CreateClient();
        await root.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "public/a.txt", ContentBody = "open" });
        await root.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "private/a.txt", ContentBody = "closed" });
        await root.PutBucketPolicyAsync(source, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{other.AccountId}}"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::{{source}}/*"}]}
            """);
        await root.PutBucketPolicyAsync(target, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"{{other.AccountId}}"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{{target}}/*",
              "Condition":{"StringLike":{"s3:x-amz-copy-source":"{{source}}/public/*"} } }]}
            """);
        using var s3 = ClientOf(other);
        // The copy is the other account's object (no ownership controls: ObjectWriter); bucket-owner-full-control lets the bucket owner read it.
        CopyObjectRequest Copy(string key) => new() { SourceBucket = source, SourceKey = key, DestinationBucket = target, DestinationKey = key, CannedACL = S3CannedACL.BucketOwnerFullControl };

        await s3.CopyObjectAsync(Copy("public/a.txt"));
        var refused = await RefusedAsync(() => s3.CopyObjectAsync(Copy("private/a.txt")));
        var plainPut = await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = target, Key = "public/b.txt", ContentBody = "x" }));

        Assert.Equal("open", await ReadAsync(root, target, "public/a.txt"));
        Assert.Equal("AccessDenied", refused.ErrorCode);
        Assert.Equal("AccessDenied", plainPut.ErrorCode);
        Assert.Equal("NoSuchKey", (await RefusedAsync(() => root.GetObjectAsync(target, "private/a.txt"))).ErrorCode);
    }

    [Fact]
    public async Task A_user_reaches_another_accounts_bucket_only_when_both_its_policy_and_the_bucket_policy_allow()
    {
        var other = await CreateAccountAsync();
        using var owner = ClientOf(other);
        var bucket = StrataServer.UniqueBucketName("foreign");
        await owner.PutBucketAsync(bucket);
        await owner.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "theirs" });
        var allowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""";
        var withPolicy = "reader-" + Guid.NewGuid().ToString("N")[..8];
        var withoutPolicy = "bare-" + Guid.NewGuid().ToString("N")[..8];
        var (readerId, readerSecret) = await server.CreateUserAsync(withPolicy, allowAll);
        var (bareId, bareSecret) = await server.CreateUserAsync(withoutPolicy);
        using var reader = server.CreateClient(readerId, readerSecret);
        using var bare = server.CreateClient(bareId, bareSecret);
        using var root = server.CreateClient();

        // An allow-all identity policy does not reach into another account's bucket, nor does the server's root.
        Assert.Equal("AccessDenied", (await RefusedAsync(() => reader.GetObjectAsync(bucket, "a.txt"))).ErrorCode);
        Assert.Equal("AccessDenied", (await RefusedAsync(() => root.GetObjectAsync(bucket, "a.txt"))).ErrorCode);

        await owner.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::{{OwnAccountId}}:user/{{withPolicy}}","arn:aws:iam::{{OwnAccountId}}:user/{{withoutPolicy}}"]},
              "Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);

        Assert.Equal("theirs", await ReadAsync(reader, bucket, "a.txt"));
        Assert.Equal("AccessDenied", (await RefusedAsync(() => bare.GetObjectAsync(bucket, "a.txt"))).ErrorCode);
        Assert.Equal("AccessDenied", (await RefusedAsync(() => reader.DeleteObjectAsync(bucket, "a.txt"))).ErrorCode);
        Assert.Equal("theirs", await ReadAsync(owner, bucket, "a.txt"));
    }
}

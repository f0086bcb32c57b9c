using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Server.Tests;

/// <summary>
/// S3 Object Ownership: Get/Put/DeleteBucketOwnershipControls, x-amz-object-ownership on CreateBucket, ACLs disabled
/// under BucketOwnerEnforced, and Strata's default (no controls, ACLs apply) with strata serve's setting to change it.
/// </summary>
public sealed class Ownership(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task A_bucket_created_without_ownership_has_no_controls_and_takes_public_read()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }));
        Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        Assert.Equal("OwnershipControlsNotFoundError", none.ErrorCode);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead });
    }

    [Fact]
    public async Task BucketOwnerEnforced_refuses_ACLs_but_bucket_owner_full_control()
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectOwnership = ObjectOwnership.BucketOwnerEnforced });
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await OwnershipOf(s3, bucket));

        var publicRead = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }));
        Assert.Equal("AccessControlListNotSupported", publicRead.ErrorCode);
        Assert.Equal("NoSuchKey", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "k"))).ErrorCode);
        var upload = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "k", CannedACL = S3CannedACL.Private }));
        Assert.Equal("AccessControlListNotSupported", upload.ErrorCode);
        var bucketAcl = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private }));
        Assert.Equal("AccessControlListNotSupported", bucketAcl.ErrorCode);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.BucketOwnerFullControl });
        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(S3Permission.FULL_CONTROL, Assert.Single(acl.Grants!).Permission);

        // Setting back the owner's FULL_CONTROL as XML is accepted, as S3 does with ACLs disabled (s3cmd's cp sends it).
        using var signed = server.CreateSigned();
        var xml = await (await signed.SendAsync(HttpMethod.Get, $"/{bucket}/k", "acl")).Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, (await signed.SendAsync(HttpMethod.Put, $"/{bucket}/k", "acl", xml)).StatusCode);
        var everyone = xml.Replace("</AccessControlList>",
            "<Grant><Grantee xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Group\"><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee><Permission>READ</Permission></Grant></AccessControlList>",
            StringComparison.Ordinal);
        var refused = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/k", "acl", everyone);
        Assert.Contains("<Code>AccessControlListNotSupported</Code>", await refused.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ACLs_stop_granting_once_the_bucket_owner_enforces_ownership()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead });
        using var anonymous = new HttpClient(server.CreateHandler()) { BaseAddress = server.Endpoint };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/{bucket}/k")).StatusCode);

        await PutOwnership(s3, bucket, ObjectOwnership.BucketOwnerEnforced);
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/k")).StatusCode);

        await s3.DeleteBucketOwnershipControlsAsync(new DeleteBucketOwnershipControlsRequest { BucketName = bucket });
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/{bucket}/k")).StatusCode);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }));
        Assert.Equal("OwnershipControlsNotFoundError", gone.ErrorCode);
    }

    [Fact]
    public async Task ACLs_cannot_be_disabled_while_the_bucket_ACL_grants_others()
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicRead });
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => PutOwnership(s3, bucket, ObjectOwnership.BucketOwnerEnforced));
        Assert.Equal("InvalidBucketAclWithObjectOwnership", refused.ErrorCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket }))).StatusCode);

        await s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.Private });
        await PutOwnership(s3, bucket, ObjectOwnership.BucketOwnerEnforced);
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await OwnershipOf(s3, bucket));

        var created = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketAsync(new PutBucketRequest
        {
            BucketName = StrataServer.UniqueBucketName(), CannedACL = S3CannedACL.PublicRead, ObjectOwnership = ObjectOwnership.BucketOwnerEnforced,
        }));
        Assert.Equal("InvalidBucketAclWithObjectOwnership", created.ErrorCode);
    }

    [Theory]
    [InlineData("BucketOwnerPreferred")]
    [InlineData("ObjectWriter")]
    public async Task The_other_settings_keep_ACLs_working(string setting)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await PutOwnership(s3, bucket, new ObjectOwnership(setting));
        Assert.Equal(setting, (await OwnershipOf(s3, bucket)).Value);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead });
        using var anonymous = new HttpClient(server.CreateHandler()) { BaseAddress = server.Endpoint };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/{bucket}/k")).StatusCode);
    }

    [Fact]
    public async Task An_unknown_ownership_is_refused()
    {
        using var signed = server.CreateSigned();
        var bucket = await server.CreateBucketAsync();
        var answer = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "ownershipControls",
            """<OwnershipControls xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ObjectOwnership>Nobody</ObjectOwnership></Rule></OwnershipControls>""");
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("<Code>MalformedXML</Code>", await answer.Content.ReadAsStringAsync());
        var header = await signed.SendAsync(HttpMethod.Put, $"/{StrataServer.UniqueBucketName()}", headers: new Dictionary<string, string> { ["x-amz-object-ownership"] = "Nobody" });
        Assert.Contains("<Code>InvalidArgument</Code>", await header.Content.ReadAsStringAsync());
    }

    internal static async Task<ObjectOwnership> OwnershipOf(IAmazonS3 s3, string bucket) =>
        Assert.Single((await s3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = bucket })).OwnershipControls.Rules).ObjectOwnership;

    private static Task PutOwnership(IAmazonS3 s3, string bucket, ObjectOwnership ownership) =>
        s3.PutBucketOwnershipControlsAsync(new PutBucketOwnershipControlsRequest
        {
            BucketName = bucket,
            OwnershipControls = new OwnershipControls { Rules = [new OwnershipControlsRule { ObjectOwnership = ownership }] },
        });
}

/// <summary>A server started as `strata serve --default-object-ownership BucketOwnerEnforced`: S3's own default since 2023.</summary>
public sealed class EnforcedByDefaultServer : StrataServer
{
    protected override Strata.Core.Acls.ObjectOwnership? DefaultObjectOwnership => Strata.Core.Acls.ObjectOwnership.BucketOwnerEnforced;
}

public sealed class OwnershipDefault(EnforcedByDefaultServer server) : IClassFixture<EnforcedByDefaultServer>
{
    [Fact]
    public async Task The_default_ownership_setting_gives_new_buckets_S3s_default()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        Assert.Equal(ObjectOwnership.BucketOwnerEnforced, await Ownership.OwnershipOf(s3, bucket));
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }));
        Assert.Equal("AccessControlListNotSupported", refused.ErrorCode);

        // A bucket created with its own setting keeps it.
        var writer = StrataServer.UniqueBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = writer, ObjectOwnership = ObjectOwnership.ObjectWriter });
        Assert.Equal(ObjectOwnership.ObjectWriter, await Ownership.OwnershipOf(s3, writer));
    }
}

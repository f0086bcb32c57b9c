using System.Net;
using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Server.Tests;

/// <summary>
/// ACLs as S3 has them: canned ACLs and grants on buckets and objects, S3's AccessControlPolicy answers, anonymous
/// access through a public ACL, per-version object ACLs, and hostile ACL documents refused with S3's codes.
/// </summary>
public sealed class Acls(StrataServer server) : IClassFixture<StrataServer>
{
    private const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
    private const string AuthenticatedUsers = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

    private HttpClient Anonymous() => new(server.CreateHandler()) { BaseAddress = server.Endpoint };

    [Fact]
    public async Task A_public_read_object_is_readable_without_a_signature_and_a_private_one_is_not()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/app.css", ContentBody = "body{}", CannedACL = S3CannedACL.PublicRead });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "secret.txt", ContentBody = "no" });

        using var anonymous = Anonymous();
        var open = await anonymous.GetAsync($"/{bucket}/site/app.css");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal("body{}", await open.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/{bucket}/site/app.css"))).StatusCode);

        var closed = await anonymous.GetAsync($"/{bucket}/secret.txt");
        Assert.Equal(HttpStatusCode.Forbidden, closed.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await closed.Content.ReadAsStringAsync());
        // The object's ACL is not the bucket's: listing the bucket stays private.
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}")).StatusCode);
    }

    [Fact]
    public async Task Canned_ACLs_read_back_as_S3s_grants()
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, CannedACL = S3CannedACL.PublicRead });
        var bucketAcl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Equal(2, bucketAcl.Grants!.Count);
        Assert.Contains(bucketAcl.Grants, g => g.Grantee.URI == AllUsers && g.Permission == S3Permission.READ);
        var owner = Assert.Single(bucketAcl.Grants, g => g.Grantee.Type == GranteeType.CanonicalUser);
        Assert.Equal(S3Permission.FULL_CONTROL, owner.Permission);
        Assert.Equal(bucketAcl.Owner!.Id, owner.Grantee.CanonicalUser);
        Assert.Equal("strata", owner.Grantee.DisplayName);

        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.AuthenticatedRead });
        var objectAcl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Contains(objectAcl.Grants!, g => g.Grantee.URI == AuthenticatedUsers && g.Permission == S3Permission.READ);

        await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", ACL = S3CannedACL.Private });
        objectAcl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(S3Permission.FULL_CONTROL, Assert.Single(objectAcl.Grants!).Permission);
    }

    [Fact]
    public async Task A_public_read_write_bucket_takes_anonymous_uploads()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        using var anonymous = Anonymous();
        var refused = await anonymous.PutAsync($"/{bucket}/dropbox.txt", new StringContent("hello"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        await s3.PutBucketAclAsync(new PutBucketAclRequest { BucketName = bucket, ACL = S3CannedACL.PublicReadWrite });
        var accepted = await anonymous.PutAsync($"/{bucket}/dropbox.txt", new StringContent("hello"));
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        using var stored = await s3.GetObjectAsync(bucket, "dropbox.txt");
        Assert.Equal("hello", await new StreamReader(stored.ResponseStream).ReadToEndAsync());
        // READ on the bucket lists it for anyone.
        Assert.Contains("<Key>dropbox.txt</Key>", await (await anonymous.GetAsync($"/{bucket}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_bucket_policy_Deny_wins_over_a_public_ACL()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", CannedACL = S3CannedACL.PublicRead });
        await s3.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var anonymous = Anonymous();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/k")).StatusCode);
    }

    [Fact]
    public async Task Grant_headers_set_grants_by_uri_and_canonical_id()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var ownerId = (await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Owner!.Id;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        await s3.PutObjectAclAsync(new PutObjectAclRequest
        {
            BucketName = bucket,
            Key = "k",
            GrantRead = $"uri=\"{AllUsers}\"",
            GrantFullControl = $"id=\"{ownerId}\"",
        });
        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k" });
        Assert.Equal(2, acl.Grants!.Count);
        Assert.Contains(acl.Grants, g => g.Grantee.URI == AllUsers && g.Permission == S3Permission.READ);
        Assert.Contains(acl.Grants, g => g.Grantee.CanonicalUser == ownerId && g.Permission == S3Permission.FULL_CONTROL);
        using var anonymous = Anonymous();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/{bucket}/k")).StatusCode);

        var unknown = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", GrantRead = "id=\"_foo\"" }));
        Assert.Equal("InvalidArgument", unknown.ErrorCode);
        var email = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", GrantRead = "emailAddress=\"someone@example.com\"" }));
        Assert.Equal("UnresolvableGrantByEmailAddress", email.ErrorCode);
    }

    [Fact]
    public async Task An_AccessControlPolicy_body_sets_the_ACL_and_an_email_grantee_is_unresolvable()
    {
        using var s3 = server.CreateClient();
        using var signed = server.CreateSigned();
        var bucket = await server.CreateBucketAsync();
        var ownerId = (await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Owner!.Id;
        var answer = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "acl", Policy(ownerId, Grant("Group", $"<URI>{AllUsers}</URI>", "READ")));
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var acl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Equal(AllUsers, Assert.Single(acl.Grants!).Grantee.URI);

        var email = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "acl",
            Policy(ownerId, Grant("AmazonCustomerByEmail", "<EmailAddress>a@example.com</EmailAddress>", "READ")));
        Assert.Equal("UnresolvableGrantByEmailAddress", await CodeOf(email));

        // Headers and a body together: S3's UnexpectedContent.
        var both = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "acl", Policy(ownerId), new Dictionary<string, string> { ["x-amz-acl"] = "private" });
        Assert.Equal("UnexpectedContent", await CodeOf(both));
    }

    [Theory]
    [InlineData("entity-bomb", "MalformedXML")]
    [InlineData("unknown-grantee-type", "MalformedACLError")]
    [InlineData("unknown-permission", "MalformedACLError")]
    [InlineData("1000-grants", "MalformedACLError")]
    [InlineData("not-xml", "MalformedXML")]
    public async Task Hostile_ACL_documents_are_refused_with_S3s_codes_and_change_nothing(string kind, string code)
    {
        using var s3 = server.CreateClient();
        using var signed = server.CreateSigned();
        var bucket = await server.CreateBucketAsync();
        var ownerId = (await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket })).Owner!.Id;
        var everyone = Grant("Group", $"<URI>{AllUsers}</URI>", "READ");
        var document = kind switch
        {
            "entity-bomb" => """<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>"""
                + Policy(ownerId, Grant("Group", "<URI>&lol2;</URI>", "READ")),
            "unknown-grantee-type" => Policy(ownerId, Grant("Robot", "<ID>r2d2</ID>", "READ")),
            "unknown-permission" => Policy(ownerId, Grant("Group", $"<URI>{AllUsers}</URI>", "EVERYTHING")),
            "1000-grants" => Policy(ownerId, Enumerable.Repeat(everyone, 1000).ToArray()),
            _ => "<AccessControlPolicy><Owner>",
        };
        var answer = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "acl", document);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Equal(code, await CodeOf(answer));
        var acl = await s3.GetBucketAclAsync(new GetBucketAclRequest { BucketName = bucket });
        Assert.Equal(S3Permission.FULL_CONTROL, Assert.Single(acl.Grants!).Permission);
    }

    [Fact]
    public async Task Each_version_has_its_own_ACL()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one", CannedACL = S3CannedACL.PublicRead });
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });

        using var anonymous = Anonymous();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/k")).StatusCode);
        var old = await anonymous.GetAsync($"/{bucket}/k?versionId={v1.VersionId}");
        Assert.Equal(HttpStatusCode.OK, old.StatusCode);
        Assert.Equal("one", await old.Content.ReadAsStringAsync());

        await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", VersionId = v2.VersionId, ACL = S3CannedACL.PublicRead });
        await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId, ACL = S3CannedACL.Private });
        Assert.Equal("two", await (await anonymous.GetAsync($"/{bucket}/k")).Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/k?versionId={v1.VersionId}")).StatusCode);
        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId });
        Assert.Single(acl.Grants!);
        // The ACL changes; the bytes and Last-Modified do not.
        using var got = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId });
        Assert.Equal("one", await new StreamReader(got.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_copy_gets_the_requests_ACL_not_the_sources_and_an_upload_gives_its_ACL_to_the_object()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "public", ContentBody = "x", CannedACL = S3CannedACL.PublicRead });
        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = bucket, SourceKey = "public", DestinationBucket = bucket, DestinationKey = "copy" });
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "public", DestinationBucket = bucket, DestinationKey = "copy-public", CannedACL = S3CannedACL.PublicRead,
        });
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "big", CannedACL = S3CannedACL.PublicRead });
        var part = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("parts"u8.ToArray()),
        });
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = "big", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });

        using var anonymous = Anonymous();
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/copy")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/{bucket}/copy-public")).StatusCode);
        Assert.Equal("parts", await (await anonymous.GetAsync($"/{bucket}/big")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_canned_ACL_and_grant_headers_together_are_refused_before_anything_is_stored()
    {
        using var signed = server.CreateSigned();
        var bucket = await server.CreateBucketAsync();
        var answer = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/k", body: "x",
            headers: new Dictionary<string, string> { ["x-amz-acl"] = "public-read", ["x-amz-grant-read"] = $"uri=\"{AllUsers}\"" });
        Assert.Equal("InvalidRequest", await CodeOf(answer));
        using var s3 = server.CreateClient();
        Assert.Equal("NoSuchKey", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "k"))).ErrorCode);
    }

    [Fact]
    public async Task A_missing_object_is_NoSuchKey_to_those_who_may_list_the_bucket_and_AccessDenied_to_others()
    {
        using var s3 = server.CreateClient();
        var listable = StrataServer.UniqueBucketName();
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = listable, CannedACL = S3CannedACL.PublicRead });
        var closed = await server.CreateBucketAsync();
        using var anonymous = Anonymous();
        var missing = await anonymous.GetAsync($"/{listable}/nothing");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NoSuchKey", await CodeOf(missing));
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{closed}/nothing")).StatusCode);

        await s3.DeleteBucketAsync(listable);
        var gone = await anonymous.GetAsync($"/{listable}/nothing");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("NoSuchBucket", await CodeOf(gone));
    }

    [Fact]
    public async Task A_policy_can_forbid_public_canned_ACLs_through_the_s3_x_amz_acl_condition_key()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var (keyId, secret) = await server.CreateUserAsync("uploader-" + Guid.NewGuid().ToString("N")[..8], $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::{{bucket}}/*"},
              {"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:::{{bucket}}/*","Condition":{"StringLike":{"s3:x-amz-acl":"public*"} } }]}
            """);
        using var uploader = server.CreateClient(keyId, secret);
        await uploader.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "private", ContentBody = "x" });
        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            uploader.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "public", ContentBody = "x", CannedACL = S3CannedACL.PublicRead }));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact]
    public async Task A_POST_uploads_acl_field_makes_the_file_public()
    {
        var bucket = await server.CreateBucketAsync();
        var now = server.Time.GetUtcNow();
        var signed = PostForms.SignedV4($$"""{"bucket": "{{bucket}}"}, ["starts-with", "$key", "uploads/"], {"acl": "public-read"}""", now.AddMinutes(10), now);
        List<KeyValuePair<string, string>> fields = [new("key", "uploads/avatar.png"), new("acl", "public-read"), .. signed];
        using var content = PostForms.Content(fields, "png bytes"u8.ToArray());
        using var anonymous = Anonymous();
        var posted = await anonymous.PostAsync($"/{bucket}", content);
        Assert.Equal(HttpStatusCode.NoContent, posted.StatusCode);
        Assert.Equal("png bytes", await anonymous.GetStringAsync($"/{bucket}/uploads/avatar.png"));
    }

    private static string Grant(string type, string grantee, string permission) =>
        $"""<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="{type}">{grantee}</Grantee><Permission>{permission}</Permission></Grant>""";

    private static string Policy(string ownerId, params string[] grants) =>
        $"""<AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>{ownerId}</ID></Owner><AccessControlList>{string.Concat(grants)}</AccessControlList></AccessControlPolicy>""";

    private static async Task<string> CodeOf(HttpResponseMessage answer)
    {
        var body = await answer.Content.ReadAsStringAsync();
        var start = body.IndexOf("<Code>", StringComparison.Ordinal);
        return start < 0 ? $"(status {(int)answer.StatusCode}, no code)" : body[(start + 6)..body.IndexOf("</Code>", StringComparison.Ordinal)];
    }
}

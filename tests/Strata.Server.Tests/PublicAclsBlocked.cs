using System.Net;

namespace Strata.Server.Tests;

/// <summary>
/// Block Public Access over ACLs: IgnorePublicAcls makes a public-read object private to anonymous callers (the ACL
/// itself is kept, and counts again once the setting is off); BlockPublicAcls refuses a public ACL sent as XML.
/// </summary>
public sealed class PublicAclsBlocked(StrataServer server) : IClassFixture<StrataServer>
{
    private const string AllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";

    private async Task BlockAsync(string bucket, bool blockAcls, bool ignoreAcls)
    {
        using var s3 = server.CreateClient();
        await s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
        {
            BucketName = bucket,
            PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration { BlockPublicAcls = blockAcls, IgnorePublicAcls = ignoreAcls },
        });
    }

    [Fact]
    public async Task IgnorePublicAcls_hides_a_public_read_object_from_anonymous_callers_until_it_is_turned_off()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site.css", ContentBody = "body{}", CannedACL = S3CannedACL.PublicRead });
        using var anonymous = new HttpClient(server.CreateHandler()) { BaseAddress = server.Endpoint };
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/{bucket}/site.css")).StatusCode);

        await BlockAsync(bucket, blockAcls: false, ignoreAcls: true);
        var hidden = await anonymous.GetAsync($"/{bucket}/site.css");
        Assert.Equal(HttpStatusCode.Forbidden, hidden.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await hidden.Content.ReadAsStringAsync());
        // The ACL is still there, as S3 keeps it; the owner reads it and the file.
        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "site.css" });
        Assert.Contains(acl.Grants!, g => g.Grantee.URI == AllUsers);

        await s3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = bucket });
        var open = await anonymous.GetAsync($"/{bucket}/site.css");
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
        Assert.Equal("body{}", await open.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task BlockPublicAcls_refuses_a_public_ACL_body_and_the_object_stays_private()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "media.jpg", ContentBody = "jpeg" });
        await BlockAsync(bucket, blockAcls: true, ignoreAcls: false);
        var owner = (await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "media.jpg" })).Owner;

        using var signed = server.CreateSigned();
        var body = $"""
            <AccessControlPolicy xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>{owner.Id}</ID></Owner><AccessControlList>
            <Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="Group"><URI>{AllUsers}</URI></Grantee><Permission>READ</Permission></Grant>
            </AccessControlList></AccessControlPolicy>
            """;
        var refused = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/media.jpg", "acl", body);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await refused.Content.ReadAsStringAsync());
        var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "media.jpg" });
        Assert.DoesNotContain(acl.Grants!, g => g.Grantee.URI == AllUsers);
        using var anonymous = new HttpClient(server.CreateHandler()) { BaseAddress = server.Endpoint };
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/media.jpg")).StatusCode);
    }
}

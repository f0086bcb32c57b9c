using System.Net;

namespace Strata.Server.Tests;

/// <summary>aws:SecureTransport over a real TLS connection: the same policy that refuses plain HTTP lets HTTPS through.</summary>
public sealed class SecureTransport(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    [Fact]
    public async Task A_policy_denying_insecure_transport_lets_HTTPS_requests_through()
    {
        var bucket = await server.CreateBucketAsync();
        var (id, secret) = await server.CreateUserAsync("tls-" + Guid.NewGuid().ToString("N")[..8], $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var root = server.CreateClient();
        await root.PutBucketPolicyAsync(bucket, """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::BUCKET","arn:aws:s3:::BUCKET/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """.Replace("BUCKET", bucket));
        Assert.Equal("https", server.Endpoint.Scheme);
        using var user = server.CreateClient(id, secret);
        await user.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "secure.txt", ContentBody = "over TLS" });
        Assert.Equal("over TLS", await Buckets.ReadAsync(user, bucket, "secure.txt"));
        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.DeleteObjectAsync(bucket, "secure.txt"));
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode); // no Allow for DeleteObject: implicit deny still holds
    }
}

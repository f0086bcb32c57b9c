using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Strata.WebConsole.Sessions;

namespace Strata.Server.Tests.Console;

/// <summary>Over HTTPS the cookie is Secure, and the users' clients reach the server trusting exactly its own certificate.</summary>
public sealed class ConsoleOverHttps(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    [Fact]
    public async Task Over_HTTPS_the_cookie_is_Secure_and_the_console_reads_through_the_pinned_certificate()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-tls");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "over-tls.txt", ContentBody = "x" });
        using var console = new ConsoleClient(server);

        var signIn = await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey);

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        var cookie = Assert.Single(signIn.Headers.GetValues("Set-Cookie"));
        Assert.Contains("secure", cookie.Split(';').Select(a => a.Trim().ToLowerInvariant()));
        Assert.Contains("over-tls.txt", await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}"));
    }

    [Fact]
    public void The_pin_accepts_the_servers_certificate_and_no_other()
    {
        using var served = SelfSigned("CN=localhost");
        using var sameName = SelfSigned("CN=localhost");

        Assert.True(UserClients.IsPinned(served, served));
        Assert.False(UserClients.IsPinned(sameName, served));
        Assert.False(UserClients.IsPinned(null, served));
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}

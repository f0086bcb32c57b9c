using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Server.Tests;

/// <summary>
/// Signature Version 2 against the real server, signed by hand as S3's RESTAuthentication page spells it:
/// Authorization: AWS key:Base64(HMAC-SHA1(secret, StringToSign)) and ?AWSAccessKeyId=&amp;Expires=&amp;Signature= URLs.
/// </summary>
public sealed class SignatureV2(StrataServer server) : IClassFixture<StrataServer>
{
    private static string Policy(string bucket) => $$"""
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Resource": "arn:aws:s3:::{{bucket}}/*" }
          ]
        }
        """;

    [Fact]
    public async Task A_user_with_a_policy_puts_gets_and_deletes_with_header_signatures()
    {
        var bucket = await server.CreateBucketAsync();
        var (id, secret) = await server.CreateUserAsync("v2app-" + Guid.NewGuid().ToString("N")[..8], Policy(bucket));
        var v2 = new SigV2Client(server, id, secret);

        var put = await v2.SendAsync(HttpMethod.Put, $"/{bucket}/photo.jpg", "v2 bytes", contentType: "image/jpeg",
            amzHeaders: [("x-amz-meta-author", "ada")]);
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var get = await v2.SendAsync(HttpMethod.Get, $"/{bucket}/photo.jpg");
        Assert.Equal("v2 bytes", await get.Content.ReadAsStringAsync());
        Assert.Equal("ada", get.Headers.GetValues("x-amz-meta-author").Single());
        Assert.Equal(HttpStatusCode.NoContent, (await v2.SendAsync(HttpMethod.Delete, $"/{bucket}/photo.jpg")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await v2.SendAsync(HttpMethod.Get, $"/{bucket}/photo.jpg")).StatusCode);
    }

    [Fact]
    public async Task The_same_user_is_denied_outside_its_policy_and_nothing_is_stored()
    {
        var bucket = await server.CreateBucketAsync();
        var other = await server.CreateBucketAsync();
        var (id, secret) = await server.CreateUserAsync("v2scoped-" + Guid.NewGuid().ToString("N")[..8], Policy(bucket));
        var v2 = new SigV2Client(server, id, secret);

        var put = await v2.SendAsync(HttpMethod.Put, $"/{other}/x", "x");
        await AssertErrorAsync(put, HttpStatusCode.Forbidden, "AccessDenied");
        Assert.Equal(HttpStatusCode.Forbidden, (await v2.SendAsync(HttpMethod.Get, $"/{bucket}?versioning")).StatusCode);
        await AssertAbsentAsync(other, "x");
    }

    [Fact]
    public async Task A_wrong_signature_is_refused_with_the_string_to_sign_and_nothing_is_stored()
    {
        var bucket = await server.CreateBucketAsync();
        var v2 = new SigV2Client(server, StrataServer.AccessKey, "not-the-secret");

        var put = await v2.SendAsync(HttpMethod.Put, $"/{bucket}/doc.txt", "forged");
        var body = await AssertErrorAsync(put, HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.Contains($"<StringToSign>PUT\n\n\n", body, StringComparison.Ordinal);
        Assert.Contains($"/{bucket}/doc.txt</StringToSign>", body, StringComparison.Ordinal);
        Assert.DoesNotContain(StrataServer.SecretKey, body, StringComparison.Ordinal);
        await AssertAbsentAsync(bucket, "doc.txt");
    }

    [Fact]
    public async Task A_date_20_minutes_off_is_too_skewed_and_nothing_is_stored()
    {
        var bucket = await server.CreateBucketAsync();
        var v2 = new SigV2Client(server, StrataServer.AccessKey, StrataServer.SecretKey);
        var put = await v2.SendAsync(HttpMethod.Put, $"/{bucket}/late.txt", "late", date: server.Time.GetUtcNow().AddMinutes(-20));
        await AssertErrorAsync(put, HttpStatusCode.Forbidden, "RequestTimeTooSkewed");
        await AssertAbsentAsync(bucket, "late.txt");
    }

    [Fact]
    public async Task A_captured_delete_replayed_after_the_skew_window_is_refused_and_the_object_stays()
    {
        // SigV2 has no nonce: S3 accepts the same signed request again within 15 minutes. What is testable is
        // that a replay after that window is refused.
        var bucket = await server.CreateBucketAsync();
        var v2 = new SigV2Client(server, StrataServer.AccessKey, StrataServer.SecretKey);
        Assert.Equal(HttpStatusCode.OK, (await v2.SendAsync(HttpMethod.Put, $"/{bucket}/kept.txt", "kept")).StatusCode);
        var captured = v2.Sign(HttpMethod.Delete, $"/{bucket}/kept.txt", server.Time.GetUtcNow());
        server.Time.Advance(TimeSpan.FromMinutes(16));
        try
        {
            await AssertErrorAsync(await v2.SendSignedAsync(captured), HttpStatusCode.Forbidden, "RequestTimeTooSkewed");
        }
        finally
        {
            server.Time.Advance(TimeSpan.FromMinutes(-16)); // back to the SDK's clock, which signs by the real time
        }
        using var s3 = server.CreateClient();
        Assert.Equal("kept", await Buckets.ReadAsync(s3, bucket, "kept.txt"));
    }

    [Fact]
    public async Task A_wrong_content_md5_is_a_bad_digest_and_nothing_is_stored()
    {
        var bucket = await server.CreateBucketAsync();
        var v2 = new SigV2Client(server, StrataServer.AccessKey, StrataServer.SecretKey);
        var otherMd5 = Convert.ToBase64String(MD5.HashData("other"u8));
        var put = await v2.SendAsync(HttpMethod.Put, $"/{bucket}/md5.txt", "body", contentMd5: otherMd5);
        await AssertErrorAsync(put, HttpStatusCode.BadRequest, "BadDigest");
        await AssertAbsentAsync(bucket, "md5.txt");

        var right = Convert.ToBase64String(MD5.HashData("body"u8));
        Assert.Equal(HttpStatusCode.OK, (await v2.SendAsync(HttpMethod.Put, $"/{bucket}/md5.txt", "body", contentMd5: right)).StatusCode);
    }

    [Fact]
    public async Task Mfa_over_plain_http_is_refused_with_sigv2_as_with_sigv4()
    {
        var bucket = await server.CreateBucketAsync();
        var v2 = new SigV2Client(server, StrataServer.AccessKey, StrataServer.SecretKey);
        var response = await v2.SendAsync(HttpMethod.Delete, $"/{bucket}/x", amzHeaders: [("x-amz-mfa", "arn:aws:iam::000000000000:mfa/root 123456")]);
        var body = await AssertErrorAsync(response, HttpStatusCode.BadRequest, "InvalidRequest");
        Assert.Contains("HTTPS", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_presigned_get_works_until_expires_and_not_for_another_key()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "shared.txt", ContentBody = "shared" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "private.txt", ContentBody = "private" });
        var v2 = new SigV2Client(server, StrataServer.AccessKey, StrataServer.SecretKey);
        using var http = new HttpClient { BaseAddress = server.Endpoint };

        var url = v2.Presign($"/{bucket}/shared.txt", server.Time.GetUtcNow().AddMinutes(5));
        Assert.Equal("shared", await http.GetStringAsync(url));

        var tampered = url.Replace("/shared.txt?", "/private.txt?", StringComparison.Ordinal);
        var body = await AssertErrorAsync(await http.GetAsync(tampered), HttpStatusCode.Forbidden, "SignatureDoesNotMatch");
        Assert.DoesNotContain("private", body.Replace($"/{bucket}/private.txt", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // A URL replayed after its Expires is refused.
        var expired = v2.Presign($"/{bucket}/shared.txt", server.Time.GetUtcNow().AddSeconds(-1));
        var refused = await AssertErrorAsync(await http.GetAsync(expired), HttpStatusCode.Forbidden, "AccessDenied");
        Assert.Contains("Request has expired", refused, StringComparison.Ordinal);
    }

    private async Task AssertAbsentAsync(string bucket, string key)
    {
        using var s3 = server.CreateClient();
        var listed = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = key });
        Assert.Empty(listed.Versions ?? []);
    }

    internal static async Task<string> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(status, response.StatusCode);
        Assert.Contains($"<Code>{code}</Code>", body, StringComparison.Ordinal);
        return body;
    }
}

/// <summary>With --sigv2 off, a SigV2 request or URL is refused with a message naming the setting.</summary>
public sealed class SignatureV2TurnedOff(SignatureV2TurnedOff.Server server) : IClassFixture<SignatureV2TurnedOff.Server>
{
    public sealed class Server : StrataServer
    {
        protected override bool SigV2 => false;
    }

    [Fact]
    public async Task Header_signatures_and_presigned_urls_are_refused_naming_the_setting()
    {
        var bucket = await server.CreateBucketAsync();
        var v2 = new SigV2Client(server, StrataServer.AccessKey, StrataServer.SecretKey);
        var put = await v2.SendAsync(HttpMethod.Put, $"/{bucket}/x", "x");
        Assert.Contains("strata serve --sigv2 on", await SignatureV2.AssertErrorAsync(put, HttpStatusCode.BadRequest, "InvalidRequest"), StringComparison.Ordinal);

        using var http = new HttpClient { BaseAddress = server.Endpoint };
        var get = await http.GetAsync(v2.Presign($"/{bucket}/x", server.Time.GetUtcNow().AddMinutes(5)));
        Assert.Contains("strata serve --sigv2 on", await SignatureV2.AssertErrorAsync(get, HttpStatusCode.BadRequest, "InvalidRequest"), StringComparison.Ordinal);

        using var s3 = server.CreateClient();
        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }
}

/// <summary>HTTPS-only rules hold for SigV2 as for SigV4: MFA Delete works over HTTPS with a SigV2 signature.</summary>
public sealed class SignatureV2OverHttps(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    [Fact]
    public async Task A_version_is_destroyed_with_an_mfa_code_and_not_without_one()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = await server.FreshMfaCodeAsync(),
        });
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        var v2 = new SigV2Client(server, StrataServer.AccessKey, StrataServer.SecretKey);
        var target = $"/{bucket}/k?versionId={Uri.EscapeDataString(v1.VersionId)}";

        await SignatureV2.AssertErrorAsync(await v2.SendAsync(HttpMethod.Delete, target), HttpStatusCode.Forbidden, "AccessDenied");
        Assert.Equal("one", await Buckets.ReadAsync(s3, bucket, "k", v1.VersionId));

        var code = await server.FreshMfaCodeAsync();
        var deleted = await v2.SendAsync(HttpMethod.Delete, target, amzHeaders: [("x-amz-mfa", $"{code.SerialNumber} {code.AuthenticationValue}")]);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }
}

/// <summary>A SigV2 signer written from S3's documentation, independent of the server's code.</summary>
internal sealed class SigV2Client(StrataServer server, string accessKey, string secret)
{
    internal sealed record Signed(HttpMethod Method, string PathAndQuery, string Date, string Authorization, string? Body,
        string? ContentType, string? ContentMd5, (string Name, string Value)[] AmzHeaders);

    public Signed Sign(HttpMethod method, string pathAndQuery, DateTimeOffset date, string? body = null, string? contentType = null,
        string? contentMd5 = null, (string, string)[]? amzHeaders = null)
    {
        amzHeaders ??= [];
        var dateText = date.ToString("r", CultureInfo.InvariantCulture);
        var amz = string.Concat(amzHeaders.OrderBy(h => h.Item1, StringComparer.Ordinal).Select(h => $"{h.Item1}:{h.Item2}\n"));
        var path = pathAndQuery.Split('?')[0];
        // Sub-resource values are signed decoded (S3: "When signing, you do not encode these values").
        var query = pathAndQuery.Contains('?') ? Uri.UnescapeDataString(pathAndQuery[pathAndQuery.IndexOf('?')..]) : "";
        var stringToSign = $"{method.Method}\n{contentMd5}\n{contentType}\n{dateText}\n{amz}{path}{query}";
        return new Signed(method, pathAndQuery, dateText, $"AWS {accessKey}:{Hmac(stringToSign)}", body, contentType, contentMd5, amzHeaders);
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, string? body = null, string? contentType = null,
        string? contentMd5 = null, (string, string)[]? amzHeaders = null, DateTimeOffset? date = null) =>
        SendSignedAsync(Sign(method, pathAndQuery, date ?? server.Time.GetUtcNow(), body, contentType, contentMd5, amzHeaders));

    public async Task<HttpResponseMessage> SendSignedAsync(Signed signed)
    {
        using var http = new HttpClient(server.CreateHandler()) { BaseAddress = server.Endpoint };
        using var request = new HttpRequestMessage(signed.Method, signed.PathAndQuery);
        request.Headers.TryAddWithoutValidation("Date", signed.Date);
        request.Headers.TryAddWithoutValidation("Authorization", signed.Authorization);
        foreach (var (name, value) in signed.AmzHeaders) request.Headers.TryAddWithoutValidation(name, value);
        if (signed.Body is not null || signed.Method == HttpMethod.Put)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(signed.Body ?? ""));
            if (signed.ContentType is not null) request.Content.Headers.TryAddWithoutValidation("Content-Type", signed.ContentType);
            if (signed.ContentMd5 is not null) request.Content.Headers.TryAddWithoutValidation("Content-MD5", signed.ContentMd5);
        }
        var response = await http.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    /// <summary>A presigned GET URL (path and query) valid until <paramref name="expires"/>.</summary>
    public string Presign(string path, DateTimeOffset expires)
    {
        var seconds = expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        var signature = Hmac($"GET\n\n\n{seconds}\n{path}");
        return $"{path}?AWSAccessKeyId={accessKey}&Expires={seconds}&Signature={Uri.EscapeDataString(signature)}";
    }

    private string Hmac(string stringToSign) =>
        Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(stringToSign)));
}

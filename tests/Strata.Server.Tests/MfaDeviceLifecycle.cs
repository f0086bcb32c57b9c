using System.Net;
using System.Text.Json;
using OtpNet;

namespace Strata.Server.Tests;

/// <summary>The admin API's root MFA device after creation: list, enable again, who may call it (issue #11).</summary>
public sealed class MfaDeviceListing(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task The_list_shows_the_device_and_never_its_secret()
    {
        var device = await server.MfaDeviceAsync();
        using var admin = server.CreateSigned();

        var response = await admin.SendAsync(HttpMethod.Get, "/_strata/admin/mfa");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        using var json = JsonDocument.Parse(text);
        var listed = Assert.Single(json.RootElement.GetProperty("devices").EnumerateArray());
        Assert.Equal(device.Serial, listed.GetProperty("serial").GetString());
        Assert.True(listed.TryGetProperty("created", out _));
        Assert.DoesNotContain(Base32Encoding.ToString(device.Secret), text);
        Assert.DoesNotContain("secret", text);
    }

    [Fact]
    public async Task Enabling_again_while_a_device_exists_says_how_to_replace_it_and_keeps_the_device()
    {
        var device = await server.MfaDeviceAsync();
        using var admin = server.CreateSigned();

        var again = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa");

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var message = JsonDocument.Parse(await again.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString()!;
        Assert.Contains($"already has an MFA device ({device.Serial}, created ", message);
        Assert.Contains("strata admin mfa deactivate --code CODE", message);
        Assert.Contains("strata admin mfa reset --data DIR", message);
        Assert.Equal([device.Serial], await ListedSerialsAsync());
    }

    [Theory]
    [InlineData("GET", "mfa", "")]
    [InlineData("POST", "mfa/deactivate", "code=123456")]
    [InlineData("POST", "mfa/resync", "code1=123456&code2=654321")]
    public async Task Only_the_root_user_may_call_the_device_endpoints(string method, string path, string query)
    {
        await server.MfaDeviceAsync();
        var (id, secret) = await server.CreateUserAsync("mfa-nosy-" + Guid.NewGuid().ToString("N")[..8],
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""");
        using var user = server.CreateSigned(id, secret);

        var response = await user.SendAsync(new HttpMethod(method), "/_strata/admin/" + path, query);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Single(await ListedSerialsAsync());
    }

    [Fact]
    public async Task There_is_no_network_endpoint_that_resets_the_device()
    {
        await server.MfaDeviceAsync();
        using var admin = server.CreateSigned();

        var response = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa/reset");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Single(await ListedSerialsAsync());
    }

    private async Task<List<string>> ListedSerialsAsync()
    {
        using var admin = server.CreateSigned();
        using var json = JsonDocument.Parse(await (await admin.SendAsync(HttpMethod.Get, "/_strata/admin/mfa")).Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("devices").EnumerateArray().Select(d => d.GetProperty("serial").GetString()!).ToList();
    }
}

/// <summary>Deactivating the root device needs a current code, as IAM's DeactivateMFADevice; a new device can follow.</summary>
public sealed class MfaDeviceDeactivation(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    [Fact]
    public async Task Deactivating_refuses_wrong_and_used_codes_then_a_current_code_removes_the_device_and_a_new_one_can_be_enabled()
    {
        using var s3 = server.CreateClient();
        using var admin = server.CreateSigned();
        var old = await server.MfaDeviceAsync();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var used = await server.FreshMfaCodeAsync();
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true }, MfaCodes = used,
        });
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });

        var wrong = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa/deactivate", "code=000000");
        var replayed = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa/deactivate", $"code={used.AuthenticationValue}");

        Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        Assert.Contains(old.Serial, await ListAsync(admin));

        var current = await server.FreshMfaCodeAsync();
        var deactivated = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa/deactivate", $"code={current.AuthenticationValue}");

        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        using (var answer = JsonDocument.Parse(await deactivated.Content.ReadAsStringAsync()))
        {
            Assert.Equal(old.Serial, answer.RootElement.GetProperty("deactivated").GetString());
            Assert.Contains("impossible until a new device exists", answer.RootElement.GetProperty("warning").GetString());
            Assert.Contains(bucket, answer.RootElement.GetProperty("mfaDeleteBuckets").EnumerateArray().Select(b => b.GetProperty("name").GetString()));
        }
        Assert.DoesNotContain(old.Serial, await ListAsync(admin));
        // Without a device, the bucket's protected operations are refused, even with a code of the old device.
        server.Time.Advance(TimeSpan.FromSeconds(30));
        var oldCode = new MfaCodes { SerialNumber = old.Serial, AuthenticationValue = new Totp(old.Secret).ComputeTotp(server.Time.GetUtcNow().UtcDateTime) };
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = oldCode }));
        Assert.Equal("AccessDenied", refused.ErrorCode);

        var enabled = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa");

        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
        using var created = JsonDocument.Parse(await enabled.Content.ReadAsStringAsync());
        var newSecret = Base32Encoding.ToBytes(created.RootElement.GetProperty("secret").GetString()!);
        Assert.NotEqual(old.Secret, newSecret);
        server.Time.Advance(TimeSpan.FromSeconds(30));
        var newCode = new MfaCodes
        {
            SerialNumber = created.RootElement.GetProperty("serial").GetString()!,
            AuthenticationValue = new Totp(newSecret).ComputeTotp(server.Time.GetUtcNow().UtcDateTime),
        };
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = newCode });
        Assert.Single((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!);
    }

    private static async Task<string> ListAsync(SignedRequests admin) =>
        await (await admin.SendAsync(HttpMethod.Get, "/_strata/admin/mfa")).Content.ReadAsStringAsync();
}

/// <summary>IAM's ResyncMFADevice: two consecutive codes from a drifted authenticator make its codes work again.</summary>
public sealed class MfaDeviceResync(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    [Fact]
    public async Task Two_consecutive_codes_from_a_clock_five_minutes_ahead_make_its_codes_work_again()
    {
        using var s3 = server.CreateClient();
        using var admin = server.CreateSigned();
        var device = await server.MfaDeviceAsync();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = await server.FreshMfaCodeAsync(),
        });
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });
        var totp = new Totp(device.Secret);
        DateTime Authenticator() => server.Time.GetUtcNow().AddMinutes(5).UtcDateTime;
        server.Time.Advance(TimeSpan.FromSeconds(30));
        var drifted = new MfaCodes { SerialNumber = device.Serial, AuthenticationValue = totp.ComputeTotp(Authenticator()) };
        var before = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = drifted }));
        Assert.Equal("AccessDenied", before.ErrorCode);

        var code1 = totp.ComputeTotp(Authenticator().AddSeconds(-30));
        var code2 = totp.ComputeTotp(Authenticator());
        var swapped = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa/resync", $"code1={code2}&code2={code1}");
        var resynced = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa/resync", $"code1={code1}&code2={code2}");
        var replayed = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/mfa/resync", $"code1={code1}&code2={code2}");

        Assert.Equal(HttpStatusCode.Forbidden, swapped.StatusCode);
        Assert.Equal(HttpStatusCode.OK, resynced.StatusCode);
        // Five minutes, give or take the step the server's clock may have entered since the codes were computed.
        Assert.InRange(JsonDocument.Parse(await resynced.Content.ReadAsStringAsync()).RootElement.GetProperty("clockOffsetSeconds").GetInt32(), 270, 300);
        Assert.Equal(HttpStatusCode.Forbidden, replayed.StatusCode);
        server.Time.Advance(TimeSpan.FromSeconds(30));
        var next = new MfaCodes { SerialNumber = device.Serial, AuthenticationValue = totp.ComputeTotp(Authenticator()) };
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = next });
        Assert.Single((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!);
    }
}

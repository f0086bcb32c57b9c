using System.Net;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Server.Tests;

/// <summary>
/// Strata's difference from S3 (docs/S3-SUPPORT.md): on an MFA Delete bucket a lifecycle configuration needs the root
/// user's x-amz-mfa code, and one so set may expire noncurrent versions.
/// </summary>
public sealed class LifecycleWithMfaDelete(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    private const string Rules = "<LifecycleConfiguration><Rule><ID>old</ID><Filter></Filter><Status>Enabled</Status>"
        + "<NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays></NoncurrentVersionExpiration></Rule></LifecycleConfiguration>";

    private async Task<HttpResponseMessage> PutRulesAsync(string bucket, MfaCodes? code)
    {
        using var signed = server.CreateSigned();
        var headers = new Dictionary<string, string> { ["x-amz-checksum-sha256"] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(Rules))) };
        if (code is not null) headers["x-amz-mfa"] = $"{code.SerialNumber} {code.AuthenticationValue}";
        return await signed.SendAsync(HttpMethod.Put, "/" + bucket, "lifecycle", Rules, headers);
    }

    [Fact]
    public async Task Rules_on_an_MFA_Delete_bucket_need_a_code_and_then_expire_noncurrent_versions()
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
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });

        var refused = await PutRulesAsync(bucket, code: null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await refused.Content.ReadAsStringAsync());
        using (var signed = server.CreateSigned())
        {
            Assert.Equal(HttpStatusCode.NotFound, (await signed.SendAsync(HttpMethod.Get, "/" + bucket, "lifecycle")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await PutRulesAsync(bucket, await server.FreshMfaCodeAsync())).StatusCode);
        server.Time.Advance(TimeSpan.FromDays(3));
        try
        {
            Assert.Equal(1, Assert.Single(await server.Host.RunLifecycleAsync(bucket)).Removed);
        }
        finally
        {
            server.Time.Advance(TimeSpan.FromDays(-3));
        }
        var left = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!;
        Assert.Equal([v2.VersionId], left.Select(v => v.VersionId));
        Assert.NotEqual(v1.VersionId, left[0].VersionId);
    }

    [Fact]
    public async Task Rules_set_without_a_code_before_MFA_Delete_was_enabled_remove_no_version()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        Assert.Equal(HttpStatusCode.OK, (await PutRulesAsync(bucket, code: null)).StatusCode);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = await server.FreshMfaCodeAsync(),
        });
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });

        server.Time.Advance(TimeSpan.FromDays(3));
        Strata.Engine.LifecyclePassReport report;
        try
        {
            report = Assert.Single(await server.Host.RunLifecycleAsync(bucket));
        }
        finally
        {
            server.Time.Advance(TimeSpan.FromDays(-3));
        }

        Assert.Equal(0, report.Removed);
        Assert.Equal(1, report.Skipped);
        var left = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!;
        Assert.Equal([v2.VersionId, v1.VersionId], left.Select(v => v.VersionId));
    }
}

using Microsoft.Playwright;

namespace Strata.Browser.Tests.Console;

/// <summary>
/// A permanent delete on a bucket with MFA Delete, over HTTPS (S3 takes x-amz-mfa only there): the form asks for the
/// root device's code; without it the delete is refused and the version stays, with it (computed here from the
/// device's secret, as an authenticator app would) the version is gone.
/// </summary>
public sealed class MfaDeleteInABrowser(StrataTlsServer server, Chromium chromium) : IClassFixture<StrataTlsServer>, IClassFixture<Chromium>
{
    [ChromiumFact]
    public async Task A_permanent_delete_asks_for_the_mfa_code_and_is_refused_without_it()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "mfa");
        using var s3 = server.CreateClient();
        var old = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "contract.pdf", ContentBody = "v1" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "contract.pdf", ContentBody = "v2" });
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = await server.FreshMfaCodeAsync(),
        });
        await using var context = await chromium.Browser.NewContextAsync(new() { IgnoreHTTPSErrors = true });
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(server.Endpoint, $"/_strata/console/buckets/{bucket}/history?key=contract.pdf").ToString());
        await page.FillAsync("#accessKeyId", StrataServer.AccessKey);
        await page.FillAsync("#secretKey", StrataServer.SecretKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await page.Locator($"tr[data-version-id='{old.VersionId}'] a.danger").ClickAsync();
        await page.WaitForSelectorAsync("#mfaCode");
        await Screenshots.TakeAsync(page, "mfa-prompt");
        await page.ClickAsync("#delete-version");
        var refused = (await page.Locator(".notice.refusal").First.InnerTextAsync()).Trim();

        Assert.Contains("MFA Delete is on for this bucket", refused);
        Assert.Contains(old.VersionId, (await s3.ListVersionsAsync(bucket, "contract.pdf")).Versions.Select(v => v.VersionId));

        var code = await server.FreshMfaCodeAsync();
        await page.FillAsync("#mfaCode", code.AuthenticationValue);
        await page.ClickAsync("#delete-version");
        var done = (await page.Locator(".notice").First.InnerTextAsync()).Trim();

        Assert.Equal($"Version {old.VersionId} of contract.pdf was deleted permanently.", done);
        Assert.DoesNotContain(old.VersionId, (await s3.ListVersionsAsync(bucket, "contract.pdf")).Versions.Select(v => v.VersionId));
    }
}

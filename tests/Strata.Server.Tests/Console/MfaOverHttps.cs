using System.Net;

namespace Strata.Server.Tests.Console;

/// <summary>MFA Delete through the console over HTTPS: the code goes with the root device's serial; missing, wrong or reused codes are explained and change nothing.</summary>
public sealed class MfaOverHttps(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    private static string At(string bucket, string action) => $"{ConsoleClient.Base}/buckets/{bucket}/{action}";

    private static async Task<string> FollowAsync(ConsoleClient console, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return WebUtility.HtmlDecode(await console.PageAsync(response.Headers.Location!.OriginalString));
    }

    [Fact]
    public async Task Mfa_delete_is_turned_on_with_a_code_and_then_guards_permanent_deletes()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-mfa");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        var form = await console.PageAsync(At(bucket, "versioning"));
        Assert.Contains("id=\"mfaCode\"", form);

        var noCode = await FollowAsync(console, await console.PostAsync(At(bucket, "versioning"), [new("status", "Enabled"), new("mfaDelete", "Enabled")]));
        Assert.Contains("needs the 6-digit code from the root user's MFA device", noCode);
        Assert.NotEqual(true, (await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.EnableMfaDelete);

        var code = await server.FreshMfaCodeAsync();
        var on = await FollowAsync(console, await console.PostAsync(At(bucket, "versioning"), [new("status", "Enabled"), new("mfaDelete", "Enabled"), new("mfaCode", code.AuthenticationValue)]));
        Assert.Contains("MFA Delete is on", on);
        Assert.True((await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.EnableMfaDelete);

        var confirm = WebUtility.HtmlDecode(await console.PageAsync($"{At(bucket, "delete-version")}?key=k&versionId={v1.VersionId}"));
        Assert.Contains("MFA Delete is on for this bucket:", confirm);
        Assert.Contains((await server.MfaDeviceAsync()).Serial, confirm);
        var deleteFields = new List<KeyValuePair<string, string>> { new("key", "k"), new("versionId", v1.VersionId), new("confirm", "yes") };

        var missing = await FollowAsync(console, await console.PostAsync(At(bucket, "delete-version"), deleteFields));
        var reused = await FollowAsync(console, await console.PostAsync(At(bucket, "delete-version"), [.. deleteFields, new("mfaCode", code.AuthenticationValue)]));

        Assert.Contains("MFA Delete is on for this bucket, so this needs the 6-digit code", missing);
        Assert.Contains("The MFA code was refused: it is wrong, or it was already used", reused);
        Assert.Equal(2, (await s3.ListVersionsAsync(bucket, "k")).Versions.Count);

        var fresh = await server.FreshMfaCodeAsync();
        var done = await FollowAsync(console, await console.PostAsync(At(bucket, "delete-version"), [.. deleteFields, new("mfaCode", fresh.AuthenticationValue)]));

        Assert.Contains($"Version {v1.VersionId} of k was deleted permanently.", done);
        Assert.DoesNotContain(v1.VersionId, (await s3.ListVersionsAsync(bucket, "k")).Versions.Select(v => v.VersionId));
    }

    [Fact]
    public async Task Undelete_on_an_mfa_delete_bucket_copies_the_photo_back_without_a_code()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-mfa-undelete");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "cat.png", ContentBody = "meow" });
        await s3.DeleteObjectAsync(bucket, "cat.png");
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = await server.FreshMfaCodeAsync(),
        });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}/history?key=cat.png");

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "undelete"), [new("key", "cat.png")]));

        Assert.Contains("was copied back on top", page);
        using var get = await s3.GetObjectAsync(bucket, "cat.png");
        Assert.Equal("meow", await new StreamReader(get.ResponseStream).ReadToEndAsync());
        Assert.Equal(3, (await s3.ListVersionsAsync(bucket, "cat.png")).Versions.Count); // the marker stays: removing it needs the code
    }
}

using System.Net;

namespace Strata.Server.Tests.Console;

/// <summary>The history's actions over HTTP: restore, undelete, permanent delete and versioning, refused or done, and what is stored after.</summary>
public sealed class HistoryActions(StrataServer server) : IClassFixture<StrataServer>
{
    private static string At(string bucket, string action) => $"{ConsoleClient.Base}/buckets/{bucket}/{action}";

    private static string History(string bucket, string key) => $"{ConsoleClient.Base}/buckets/{bucket}/history?key={Uri.EscapeDataString(key)}";

    private static async Task<List<string>> VersionIdsAsync(IAmazonS3 s3, string bucket, string key) =>
        ((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = key })).Versions ?? [])
            .Where(v => v.Key == key).Select(v => (v.IsDeleteMarker == true ? "marker:" : "") + v.VersionId).ToList();

    private static async Task<string> BodyAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var get = await s3.GetObjectAsync(bucket, key);
        return await new StreamReader(get.ResponseStream).ReadToEndAsync();
    }

    /// <summary>Follows the action's 303 and returns the page it leads to (with the banner).</summary>
    private static async Task<string> FollowAsync(ConsoleClient console, HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        return await console.PageAsync(response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Every_action_without_the_csrf_token_is_refused_and_changes_nothing()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-csrf");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });
        await s3.DeleteObjectAsync(bucket, "k");
        var before = await VersionIdsAsync(s3, bucket, "k");
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(History(bucket, "k"));

        var posts = new (string Action, Dictionary<string, string> Fields)[]
        {
            ("restore-version", new() { ["key"] = "k", ["versionId"] = v1.VersionId }),
            ("undelete", new() { ["key"] = "k" }),
            ("delete-version", new() { ["key"] = "k", ["versionId"] = v1.VersionId, ["confirm"] = "yes" }),
            ("versioning", new() { ["status"] = "Suspended", ["mfaDelete"] = "Disabled" }),
            ("restore", new() { ["prefix"] = "", ["at"] = "2020-01-01T00:00:00", ["confirm"] = "yes" }),
        };
        foreach (var (action, fields) in posts)
        {
            var missing = await console.PostAsync(At(bucket, action), fields, csrf: "");
            var wrong = await console.PostAsync(At(bucket, action), fields, csrf: "not-the-token");
            Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
        }

        Assert.Equal(before, await VersionIdsAsync(s3, bucket, "k"));
        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status);
    }

    [Fact]
    public async Task Restoring_an_older_version_copies_it_on_top()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-restore");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc.txt", ContentBody = "the good draft" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc.txt", ContentBody = "the bad edit" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(History(bucket, "doc.txt"));

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "restore-version"), [new("key", "doc.txt"), new("versionId", v1.VersionId)]));

        Assert.Contains($"Restored: version {v1.VersionId} was copied on top", page);
        Assert.Equal("the good draft", await BodyAsync(s3, bucket, "doc.txt"));
        Assert.Equal(3, (await VersionIdsAsync(s3, bucket, "doc.txt")).Count);
    }

    [Fact]
    public async Task Undelete_removes_the_marker_where_the_key_may()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-undelete");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photo.png", ContentBody = "pixels" });
        await s3.DeleteObjectAsync(bucket, "photo.png");
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(History(bucket, "photo.png"));

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "undelete"), [new("key", "photo.png")]));

        Assert.Contains("Undeleted: the delete marker above version", page);
        Assert.Equal([v1.VersionId], await VersionIdsAsync(s3, bucket, "photo.png"));
        Assert.Equal("pixels", await BodyAsync(s3, bucket, "photo.png"));
    }

    [Fact]
    public async Task Undelete_copies_the_newest_version_back_when_the_key_may_not_remove_markers()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-undelete-copy");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photo.png", ContentBody = "pixels" });
        await s3.DeleteObjectAsync(bucket, "photo.png");
        var (keyId, secret) = await server.CreateUserAsync("console-copier-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions"],"Resource":"arn:aws:s3:::{{bucket}}"},
              {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion","s3:PutObject"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var console = new ConsoleClient(server);
        Assert.Equal(HttpStatusCode.SeeOther, (await console.SignInAsync(keyId, secret)).StatusCode);
        await console.PageAsync(History(bucket, "photo.png"));

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "undelete"), [new("key", "photo.png")]));

        Assert.Contains("was copied back on top", page);
        Assert.Equal("pixels", await BodyAsync(s3, bucket, "photo.png"));
        Assert.Equal(3, (await VersionIdsAsync(s3, bucket, "photo.png")).Count);
    }

    [Fact]
    public async Task A_user_without_PutObject_gets_the_plain_refusal_and_the_versions_stay_as_they_were()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-noput");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc.txt", ContentBody = "old" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc.txt", ContentBody = "new" });
        var before = await VersionIdsAsync(s3, bucket, "doc.txt");
        var (keyId, secret) = await server.CreateUserAsync("console-reader-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions"],"Resource":"arn:aws:s3:::{{bucket}}"},
              {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        using var console = new ConsoleClient(server);
        Assert.Equal(HttpStatusCode.SeeOther, (await console.SignInAsync(keyId, secret)).StatusCode);
        await console.PageAsync(History(bucket, "doc.txt"));

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "restore-version"), [new("key", "doc.txt"), new("versionId", v1.VersionId)]));

        Assert.Contains("which needs s3:GetObjectVersion and s3:PutObject; your key lacks at least one of them", page);
        Assert.Contains("Nothing was changed.", page);
        Assert.Equal(before, await VersionIdsAsync(s3, bucket, "doc.txt"));
        Assert.Equal("new", await BodyAsync(s3, bucket, "doc.txt"));
    }

    [Fact]
    public async Task A_version_under_compliance_retention_is_not_deleted_and_the_page_says_until_when()
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName("console-locked");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        var t = server.Time.GetUtcNow().AddDays(3).UtcDateTime;
        var until = new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc);
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "ledger.csv", ContentBody = "a,b", ObjectLockMode = ObjectLockMode.Compliance, ObjectLockRetainUntilDate = until,
        });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        var confirm = await console.PageAsync($"{At(bucket, "delete-version")}?key=ledger.csv&versionId={put.VersionId}");
        Assert.Contains("Delete permanently", confirm);

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "delete-version"),
            [new("key", "ledger.csv"), new("versionId", put.VersionId), new("confirm", "yes")]));

        Assert.Contains($"This version cannot be deleted: it is under COMPLIANCE retention until {until:yyyy-MM-dd HH:mm:ss} UTC", page);
        Assert.Contains("Nothing was changed.", page);
        Assert.Equal([put.VersionId], await VersionIdsAsync(s3, bucket, "ledger.csv"));
    }

    [Fact]
    public async Task A_version_under_a_legal_hold_is_not_deleted_and_the_page_says_so()
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName("console-hold");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "evidence.jpg", ContentBody = "jpeg", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(History(bucket, "evidence.jpg"));

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "delete-version"),
            [new("key", "evidence.jpg"), new("versionId", put.VersionId), new("confirm", "yes")]));

        Assert.Contains("This version cannot be deleted: it is under a legal hold", page);
        Assert.DoesNotContain("retention until", page);
        Assert.Equal([put.VersionId], await VersionIdsAsync(s3, bucket, "evidence.jpg"));
    }

    [Fact]
    public async Task A_permanent_delete_removes_exactly_that_version()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-delete");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(History(bucket, "k"));

        var unconfirmed = await FollowAsync(console, await console.PostAsync(At(bucket, "delete-version"), [new("key", "k"), new("versionId", v1.VersionId)]));
        Assert.Contains("Confirm the permanent delete", unconfirmed);
        Assert.Equal(2, (await VersionIdsAsync(s3, bucket, "k")).Count);

        var page = await FollowAsync(console, await console.PostAsync(At(bucket, "delete-version"), [new("key", "k"), new("versionId", v1.VersionId), new("confirm", "yes")]));

        Assert.Contains($"Version {v1.VersionId} of k was deleted permanently.", page);
        Assert.Equal([v2.VersionId], await VersionIdsAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task Versioning_can_be_suspended_and_mfa_delete_over_http_is_explained_not_sent()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-versioning");
        using var s3 = server.CreateClient();
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        var form = await console.PageAsync(At(bucket, "versioning"));
        Assert.Contains("MFA codes are accepted only over HTTPS", form);

        var suspended = await FollowAsync(console, await console.PostAsync(At(bucket, "versioning"), [new("status", "Suspended"), new("mfaDelete", "Disabled")]));
        var withCode = await FollowAsync(console, await console.PostAsync(At(bucket, "versioning"), [new("status", "Enabled"), new("mfaDelete", "Enabled"), new("mfaCode", "123456")]));

        Assert.Contains($"Versioning of {bucket} is now Suspended", suspended);
        Assert.Contains("start it with `strata serve --tls`", withCode);
        var config = (await s3.GetBucketVersioningAsync(bucket)).VersioningConfig;
        Assert.Equal(VersionStatus.Suspended, config.Status);
        Assert.NotEqual(true, config.EnableMfaDelete);
    }
}

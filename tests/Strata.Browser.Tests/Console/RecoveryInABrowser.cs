using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Strata.Browser.Tests.Console;

/// <summary>
/// Getting things back in the console, as a person does it in Chromium: issue #20's "done when" (a deleted photo found
/// and undeleted), restoring an older version, a folder's point-in-time restore with the plan first, and a user
/// without rights who is told why nothing changed.
/// </summary>
public sealed class RecoveryInABrowser(StrataServer server, Chromium chromium, ITestOutputHelper output) : IClassFixture<StrataServer>, IClassFixture<Chromium>
{
    private const string Console = "/_strata/console";

    private string Url(string path) => new Uri(server.Endpoint, path).ToString();

    private static async Task<byte[]> BytesAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var get = await s3.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await get.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task SignInAsync(IPage page, string accessKeyId, string secretKey)
    {
        await page.FillAsync("#accessKeyId", accessKeyId);
        await page.FillAsync("#secretKey", secretKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        try
        {
            await page.WaitForSelectorAsync("header .who"); // Playwright's default 30 s: a loaded CI machine is slow to load a page
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"Not signed in at {page.Url}:\n{await page.ContentAsync()}");
        }
    }

    private static async Task<string> NoticeAsync(IPage page) => (await page.Locator(".notice").First.InnerTextAsync()).Trim();

    [ChromiumFact]
    public async Task A_person_who_deleted_a_photo_finds_it_and_undeletes_it()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "holiday");
        using var s3 = server.CreateClient();
        var photo = TestPng.Gradient(96, 64, 240, 160, 60);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photos/beach.png", ContentType = "image/png", InputStream = new MemoryStream(photo) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photos/pier.png", ContentType = "image/png", InputStream = new MemoryStream(TestPng.Gradient(8, 8, 10, 10, 200)) });
        await s3.DeleteObjectAsync(bucket, "photos/beach.png");
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();

        var clock = Stopwatch.StartNew();
        await page.GotoAsync(Url(Console + "/"));
        await SignInAsync(page, StrataServer.AccessKey, StrataServer.SecretKey);
        await page.GetByRole(AriaRole.Link, new() { Name = bucket, Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Show deleted" }).ClickAsync();
        await page.Locator("table.objects a", new() { HasText = "photos" }).ClickAsync();
        await page.Locator("tr.deleted a", new() { HasText = "beach.png" }).ClickAsync();
        await page.WaitForSelectorAsync("#undelete");
        await Screenshots.TakeAsync(page, "history-deleted");
        await page.ClickAsync("#undelete");
        var notice = await NoticeAsync(page);
        clock.Stop();

        output.WriteLine($"From the console's address to the photo undeleted: {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.StartsWith("Undeleted", notice);
        Assert.Equal(photo, await BytesAsync(s3, bucket, "photos/beach.png"));
        await page.WaitForSelectorAsync("img.preview-image");
        await Screenshots.TakeAsync(page, "history");
    }

    [ChromiumFact]
    public async Task Restoring_an_older_version_makes_its_bytes_current()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "restore");
        using var s3 = server.CreateClient();
        var good = TestPng.Gradient(48, 48, 30, 200, 90);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logo.png", ContentType = "image/png", InputStream = new MemoryStream(good) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "logo.png", ContentType = "image/png", InputStream = new MemoryStream(TestPng.Gradient(48, 48, 200, 0, 0)) });
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url($"{Console}/buckets/{bucket}/history?key=logo.png"));
        await SignInAsync(page, StrataServer.AccessKey, StrataServer.SecretKey);

        await page.Locator($"tr[data-version-id='{v1.VersionId}'] button.restore").ClickAsync();
        var notice = await NoticeAsync(page);

        Assert.StartsWith($"Restored: version {v1.VersionId}", notice);
        Assert.Equal(good, await BytesAsync(s3, bucket, "logo.png"));
        Assert.Equal(3, (await s3.ListVersionsAsync(bucket, "logo.png")).Versions.Count);
    }

    [ChromiumFact]
    public async Task A_folder_is_restored_to_a_point_in_time_with_the_plan_shown_first()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "pit");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/index.html", ContentBody = "<h1>then</h1>" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/about.html", ContentBody = "about" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/same.css", ContentBody = "body{}" });
        server.Time.Advance(TimeSpan.FromSeconds(2));
        var now = server.Time.GetUtcNow();
        var then = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        server.Time.Advance(TimeSpan.FromSeconds(2));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/index.html", ContentBody = "<h1>broken</h1>" });
        await s3.DeleteObjectAsync(bucket, "site/about.html");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/stray.tmp", ContentBody = "junk" });
        var before = await StateAsync(s3, bucket);
        // A browser in Berlin: the picked wall-clock time is local, console.js sends the offset.
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var local = TimeZoneInfo.ConvertTime(then, berlin);
        await using var context = await chromium.Browser.NewContextAsync(new() { TimezoneId = "Europe/Berlin" });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url($"{Console}/buckets/{bucket}/restore?prefix=site%2F"));
        await SignInAsync(page, StrataServer.AccessKey, StrataServer.SecretKey);

        // The input's normalized value, as Playwright checks it after filling: HTML leaves out ":00" seconds.
        await page.FillAsync("#at", local.ToString(local.Second == 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
        await page.ClickAsync("#show-plan");
        await page.WaitForSelectorAsync("section.plan");
        await Screenshots.TakeAsync(page, "restore-plan");

        Assert.Contains(then.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " UTC", await page.Locator("section.plan").InnerTextAsync());
        Assert.Equal(["site/about.html"], await KeysAsync(page, "comes-back"));
        Assert.Equal(["site/index.html"], await KeysAsync(page, "changes"));
        Assert.Equal(["site/stray.tmp"], await KeysAsync(page, "goes"));
        Assert.Equal(before, await StateAsync(s3, bucket));

        await page.ClickAsync("#apply");
        await page.WaitForSelectorAsync("section.job");
        await Screenshots.TakeAsync(page, "job-progress");
        // console.js polls the job and reloads the page with the report when it ends.
        await page.WaitForSelectorAsync("section.job[data-state=finished]", new() { Timeout = 60_000 }); // a background job on a loaded CI machine
        await Screenshots.TakeAsync(page, "job-report");

        Assert.Contains("Done.", await page.Locator("section.job .state").InnerTextAsync());
        Assert.Equal(new Dictionary<string, string> { ["site/about.html"] = "about", ["site/index.html"] = "<h1>then</h1>", ["site/same.css"] = "body{}" },
            await StateAsync(s3, bucket));
    }

    [ChromiumFact]
    public async Task A_user_without_rights_clicks_restore_sees_the_refusal_and_nothing_changes()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "readonly");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "report.txt", ContentBody = "draft one", ContentType = "text/plain" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "report.txt", ContentBody = "draft two", ContentType = "text/plain" });
        var (keyId, secret) = await server.CreateUserAsync("reader-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":["s3:ListAllMyBuckets"],"Resource":"*"},
              {"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions","s3:GetBucketVersioning"],"Resource":"arn:aws:s3:::{{bucket}}"},
              {"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url($"{Console}/buckets/{bucket}/history?key=report.txt"));
        await SignInAsync(page, keyId, secret);

        await page.Locator($"tr[data-version-id='{v1.VersionId}'] button.restore").ClickAsync();
        var notice = await NoticeAsync(page);
        await Screenshots.TakeAsync(page, "refusal");

        Assert.Contains("which needs s3:GetObjectVersion and s3:PutObject; your key lacks at least one of them", notice);
        Assert.Contains("Nothing was changed.", notice);
        Assert.True(await page.Locator(".notice.refusal").IsVisibleAsync());
        Assert.Equal("draft two"u8.ToArray(), await BytesAsync(s3, bucket, "report.txt"));
        Assert.Equal(2, (await s3.ListVersionsAsync(bucket, "report.txt")).Versions.Count);
    }

    [ChromiumFact]
    public async Task On_a_phone_width_screen_the_history_reads_without_scrolling_sideways()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "phone");
        using var s3 = server.CreateClient();
        const string key = "photos/2024/a-rather-long-name-for-a-holiday-photo-taken-on-the-beach.png";
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentType = "image/png", InputStream = new MemoryStream(TestPng.Gradient(300, 200, 250, 120, 40)) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentType = "image/png", InputStream = new MemoryStream(TestPng.Gradient(300, 200, 40, 120, 250)) });
        await s3.DeleteObjectAsync(bucket, key);
        await using var context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 375, Height = 812 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync(Url($"{Console}/buckets/{bucket}/history?key={Uri.EscapeDataString(key)}"));
        await SignInAsync(page, StrataServer.AccessKey, StrataServer.SecretKey);

        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var undelete = await page.Locator("#undelete").BoundingBoxAsync();
        await Screenshots.TakeAsync(page, "history-phone");

        Assert.True(widths[0] <= widths[1], $"the page is {widths[0]} px wide in a {widths[1]} px window");
        Assert.NotNull(undelete);
        Assert.True(undelete.X >= 0 && undelete.X + undelete.Width <= 375, $"Undelete spans {undelete.X}..{undelete.X + undelete.Width}");
        Assert.False(await page.Locator("table.history thead").IsVisibleAsync());
    }

    private static async Task<List<string>> KeysAsync(IPage page, string part) =>
        [.. (await page.Locator($"#{part} ul.keys li").AllInnerTextsAsync()).Select(t => t.Trim())];

    private static async Task<Dictionary<string, string>> StateAsync(IAmazonS3 s3, string bucket)
    {
        var state = new Dictionary<string, string>();
        foreach (var o in (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? [])
        {
            using var get = await s3.GetObjectAsync(bucket, o.Key);
            state[o.Key] = await new StreamReader(get.ResponseStream).ReadToEndAsync();
        }
        return state;
    }
}

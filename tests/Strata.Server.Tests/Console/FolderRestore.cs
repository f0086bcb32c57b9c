using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Strata.Server.Tests.Console;

/// <summary>"Restore this folder to …" over HTTP: the plan first (nothing changes), then the run as a job only its session sees.</summary>
public sealed class FolderRestore(StrataServer server) : IClassFixture<StrataServer>
{
    private static string Restore(string bucket, string prefix) => $"{ConsoleClient.Base}/buckets/{bucket}/restore?prefix={Uri.EscapeDataString(prefix)}";

    /// <summary>A folder with a state at "then" and a different one now: a changed, a deleted and an added key.</summary>
    private async Task<(string Bucket, DateTimeOffset Then)> FolderAsync(IAmazonS3 s3)
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-pit");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "album/changed.txt", ContentBody = "then" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "album/deleted.txt", ContentBody = "was here" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "album/same.txt", ContentBody = "same" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "outside.txt", ContentBody = "not in the folder" });
        // Two seconds either side of "then", a whole second (the picker's precision): well inside SigV4's allowed skew.
        server.Time.Advance(TimeSpan.FromSeconds(2));
        var now = server.Time.GetUtcNow();
        var then = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        server.Time.Advance(TimeSpan.FromSeconds(2));
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "album/changed.txt", ContentBody = "now" });
        await s3.DeleteObjectAsync(bucket, "album/deleted.txt");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "album/added.txt", ContentBody = "new" });
        await s3.DeleteObjectAsync(bucket, "outside.txt");
        return (bucket, then);
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private static async Task<Dictionary<string, string>> CurrentAsync(IAmazonS3 s3, string bucket, string prefix)
    {
        var state = new Dictionary<string, string>();
        foreach (var o in (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = prefix })).S3Objects ?? [])
        {
            using var get = await s3.GetObjectAsync(bucket, o.Key);
            state[o.Key] = await new StreamReader(get.ResponseStream).ReadToEndAsync();
        }
        return state;
    }

    private static async Task<JsonElement> FinishedAsync(ConsoleClient console, string job)
    {
        for (var i = 0; i < 200; i++)
        {
            var json = await console.GetAsync(job + ".json");
            Assert.Equal(HttpStatusCode.OK, json.StatusCode);
            var state = JsonDocument.Parse(await json.Content.ReadAsStringAsync()).RootElement.Clone();
            if (state.GetProperty("state").GetString() != "running") return state;
            await Task.Delay(50);
        }
        throw new TimeoutException("the restore job did not finish");
    }

    [Fact]
    public async Task The_plan_comes_first_and_changes_nothing_then_apply_brings_the_folder_back()
    {
        using var s3 = server.CreateClient();
        var (bucket, then) = await FolderAsync(s3);
        var before = await CurrentAsync(s3, bucket, "");
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var plan = WebUtility.HtmlDecode(await console.PageAsync(Restore(bucket, "album/") + "&at=" + Utc(then)));

        Assert.Contains("The plan: nothing has changed yet", plan);
        Assert.Matches("Comes back: 1</h3>[\\s\\S]*album/deleted.txt[\\s\\S]*Changes: 1</h3>[\\s\\S]*album/changed.txt[\\s\\S]*Goes: 1</h3>[\\s\\S]*album/added.txt", plan);
        Assert.DoesNotContain("outside.txt", plan);
        Assert.Equal(before, await CurrentAsync(s3, bucket, ""));

        var apply = await console.PostAsync($"{ConsoleClient.Base}/buckets/{bucket}/restore",
            [new("prefix", "album/"), new("at", then.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)), new("confirm", "yes")]);
        Assert.Equal(HttpStatusCode.SeeOther, apply.StatusCode);
        var job = apply.Headers.Location!.OriginalString;
        Assert.StartsWith(ConsoleClient.Base + "/jobs/", job);
        var finished = await FinishedAsync(console, job);
        var report = await console.PageAsync(job);

        Assert.Equal("done", finished.GetProperty("state").GetString());
        Assert.Contains("Done.", report);
        Assert.Equal(new Dictionary<string, string> { ["album/changed.txt"] = "then", ["album/deleted.txt"] = "was here", ["album/same.txt"] = "same" },
            await CurrentAsync(s3, bucket, "album/"));
        Assert.Empty(await CurrentAsync(s3, bucket, "outside"));
    }

    [Fact]
    public async Task A_job_is_visible_only_to_the_session_that_started_it()
    {
        using var s3 = server.CreateClient();
        var (bucket, then) = await FolderAsync(s3);
        using var starter = new ConsoleClient(server);
        await starter.SignInAsRootAsync();
        await starter.PageAsync(Restore(bucket, "album/"));
        var apply = await starter.PostAsync($"{ConsoleClient.Base}/buckets/{bucket}/restore",
            [new("prefix", "album/"), new("at", then.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)), new("confirm", "yes")]);
        var job = apply.Headers.Location!.OriginalString;
        var (keyId, secret) = await server.CreateUserAsync("console-other-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::{{bucket}}","arn:aws:s3:::{{bucket}}/*"]}]}
            """);
        using var other = new ConsoleClient(server);
        Assert.Equal(HttpStatusCode.SeeOther, (await other.SignInAsync(keyId, secret)).StatusCode);
        using var anonymous = new ConsoleClient(server);

        var page = await other.GetAsync(job);
        var json = await other.GetAsync(job + ".json");
        var signedOut = await anonymous.GetAsync(job + ".json");

        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal(HttpStatusCode.SeeOther, signedOut.StatusCode);
        Assert.Equal("done", (await FinishedAsync(starter, job)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_restore_goes_on_to_its_end_after_its_session_signs_out()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-pit-out");
        var keys = Enumerable.Range(0, 1500).Select(i => $"album/{i:D4}.txt").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "then" }, ct));
        server.Time.Advance(TimeSpan.FromSeconds(2));
        var then = server.Time.GetUtcNow();
        server.Time.Advance(TimeSpan.FromSeconds(2));
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "now" }, ct));
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(Restore(bucket, "album/"));

        var apply = await console.PostAsync($"{ConsoleClient.Base}/buckets/{bucket}/restore",
            [new("prefix", "album/"), new("at", then.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)), new("confirm", "yes")]);
        var job = apply.Headers.Location!.OriginalString;
        var running = JsonDocument.Parse(await (await console.GetAsync(job + ".json")).Content.ReadAsStringAsync()).RootElement.GetProperty("state").GetString();
        Assert.Equal(HttpStatusCode.SeeOther, (await console.PostAsync($"{ConsoleClient.Base}/sign-out")).StatusCode);

        // 1,500 copies, four at a time: still running when the session ended, so the rest is done without it.
        Assert.Equal("running", running);
        var restored = 0;
        for (var attempt = 0; attempt < 600 && restored < keys.Count; attempt++)
        {
            await Task.Delay(100);
            restored = 0;
            var request = new ListVersionsRequest { BucketName = bucket, Prefix = "album/" };
            ListVersionsResponse page;
            do
            {
                page = await s3.ListVersionsAsync(request);
                // "then" is 4 bytes and "now" 3: a latest version of 4 bytes is the restore's copy.
                restored += (page.Versions ?? []).Count(v => v.IsLatest == true && v.Size == 4 && v.IsDeleteMarker != true);
                (request.KeyMarker, request.VersionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
            }
            while (page.IsTruncated == true);
        }
        Assert.Equal(keys.Count, restored);
        using var sample = await s3.GetObjectAsync(bucket, keys[^1]);
        Assert.Equal("then", await new StreamReader(sample.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Without_javascript_the_picked_time_is_utc_and_the_page_says_so()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-pit-utc");
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var picker = await console.PageAsync(Restore(bucket, ""));
        var plan = WebUtility.HtmlDecode(await console.PageAsync(Restore(bucket, "") + "&at=2026-01-02T03:04:05&offset=60"));

        Assert.Contains("The time is UTC", picker);
        Assert.Contains("type=\"datetime-local\"", picker);
        Assert.Contains("Restoring to <strong>2026-01-02 02:04:05 UTC</strong>", plan); // 03:04:05 at UTC+1
    }
}

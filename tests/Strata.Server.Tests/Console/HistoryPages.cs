using System.Net;
using System.Text.RegularExpressions;

namespace Strata.Server.Tests.Console;

/// <summary>A key's history over HTTP: the timeline, previews, downloads and the comparison, as a signed-in user sees them.</summary>
public sealed class HistoryPages(StrataServer server) : IClassFixture<StrataServer>
{
    private static string History(string bucket, string key) => $"{ConsoleClient.Base}/buckets/{bucket}/history?key={Uri.EscapeDataString(key)}";

    [Fact]
    public async Task The_timeline_shows_the_exact_keys_versions_and_markers_newest_first()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-history");
        using var s3 = server.CreateClient();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes/a b?#%.txt", ContentBody = "first" });
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes/a b?#%.txt", ContentBody = "second <b>bold</b>", ContentType = "text/plain" });
        var marker = await s3.DeleteObjectAsync(bucket, "notes/a b?#%.txt");
        var longer = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "notes/a b?#%.txt.bak", ContentBody = "other key" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var page = await console.PageAsync(History(bucket, "notes/a b?#%.txt"));

        var order = new[] { marker.VersionId, v2.VersionId, v1.VersionId }.Select(id => page.IndexOf($"data-version-id=\"{id}\"", StringComparison.Ordinal)).ToArray();
        Assert.All(order, i => Assert.True(i > 0));
        Assert.True(order[0] < order[1] && order[1] < order[2], "newest first");
        Assert.DoesNotContain(longer.VersionId, page);
        Assert.Contains("delete marker", page);
        Assert.Contains("Undelete", page);
        Assert.Contains("second &lt;b&gt;bold&lt;/b&gt;", page); // the newest version's text, escaped
        Assert.DoesNotContain("<b>bold</b>", page);
    }

    [Fact]
    public async Task A_key_with_many_versions_is_shown_a_page_at_a_time()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-many");
        using var s3 = server.CreateClient();
        var ids = new List<string>();
        for (var i = 0; i < 105; i++) ids.Add((await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "log.txt", ContentBody = $"line {i}" })).VersionId);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "log.txt.old", ContentBody = "another key" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var first = await console.PageAsync(History(bucket, "log.txt"));
        var older = Regex.Match(first, "href=\"([^\"]+)\">Older versions<").Groups[1].Value;
        var second = await console.PageAsync(WebUtility.HtmlDecode(older));

        Assert.Equal(100, Regex.Count(first, "data-version-id="));
        Assert.Contains(ids[^1], first);
        Assert.Equal(5, Regex.Count(second, "data-version-id="));
        Assert.Contains(ids[0], second);
        Assert.DoesNotContain("Older versions", second);
    }

    [Fact]
    public async Task A_download_of_an_html_object_is_an_attachment_under_a_sandbox_never_inline()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-download");
        using var s3 = server.CreateClient();
        const string html = "<html><script>alert(document.cookie)</script></html>";
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "site/index.html", ContentBody = html, ContentType = "text/html" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var download = await console.GetAsync($"{ConsoleClient.Base}/buckets/{bucket}/download?key=site%2Findex.html&versionId={put.VersionId}");
        var preview = await console.GetAsync($"{ConsoleClient.Base}/buckets/{bucket}/preview?key=site%2Findex.html&versionId={put.VersionId}");

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("index.html", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.StartsWith("sandbox", download.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(html, await download.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, preview.StatusCode);
    }

    [Fact]
    public async Task A_key_that_may_list_versions_but_not_read_them_sees_the_timeline_and_is_told_why_there_is_no_preview()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-lister");
        using var s3 = server.CreateClient();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "secret.txt", ContentBody = "the combination is 1234", ContentType = "text/plain" });
        var (keyId, secret) = await server.CreateUserAsync("console-lister-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:ListBucket","s3:ListBucketVersions"],"Resource":"arn:aws:s3:::{{bucket}}"}]}
            """);
        using var console = new ConsoleClient(server);
        Assert.Equal(HttpStatusCode.SeeOther, (await console.SignInAsync(keyId, secret)).StatusCode);

        var page = WebUtility.HtmlDecode(await console.PageAsync(History(bucket, "secret.txt")));
        var download = await console.GetAsync($"{ConsoleClient.Base}/buckets/{bucket}/download?key=secret.txt&versionId={put.VersionId}");

        Assert.Contains($"data-version-id=\"{put.VersionId}\"", page);
        Assert.Contains("Access denied: your key may not read this version (s3:GetObjectVersion)", page);
        Assert.DoesNotContain("the combination", page);
        Assert.Equal(HttpStatusCode.Forbidden, download.StatusCode);
        Assert.DoesNotContain("the combination", await download.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_svg_is_not_previewed_inline_but_a_png_is()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-svg");
        using var s3 = server.CreateClient();
        var svg = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "logo.svg", ContentType = "image/svg+xml",
            ContentBody = "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
        });
        var png = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "dot.png", ContentType = "image/png", InputStream = new MemoryStream(TinyPng) });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var svgPage = await console.PageAsync(History(bucket, "logo.svg"));
        var svgPreview = await console.GetAsync($"{ConsoleClient.Base}/buckets/{bucket}/preview?key=logo.svg&versionId={svg.VersionId}");
        var pngPage = await console.PageAsync(History(bucket, "dot.png"));
        var pngPreview = await console.GetAsync($"{ConsoleClient.Base}/buckets/{bucket}/preview?key=dot.png&versionId={png.VersionId}");

        Assert.DoesNotContain("<img", svgPage);
        Assert.DoesNotContain("<script>alert(1)", svgPage);
        Assert.Contains("No preview for image/svg+xml", WebUtility.HtmlDecode(svgPage));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, svgPreview.StatusCode);
        Assert.Contains("<img class=\"preview-image\"", pngPage);
        Assert.Equal(HttpStatusCode.OK, pngPreview.StatusCode);
        Assert.Equal("image/png", pngPreview.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TinyPng, await pngPreview.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Comparing_two_versions_marks_what_differs()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-compare");
        using var s3 = server.CreateClient();
        var a = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one", ContentType = "text/plain", Metadata = { ["colour"] = "red" } });
        var b = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one", ContentType = "text/csv", Metadata = { ["colour"] = "blue" } });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var page = WebUtility.HtmlDecode(await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}/compare?key=k&a={a.VersionId}&b={b.VersionId}"));

        Assert.Matches(Row("differs", "Content-Type ≠", "text/plain", "text/csv"), page);
        Assert.Matches(Row("differs", "Metadata x-amz-meta-colour ≠", "red", "blue"), page);
        Assert.Matches(Row("same", "Size", "3 bytes", "3 bytes"), page);
    }

    private static string Row(string state, string field, string a, string b) =>
        $"<tr class=\"{state}\">\\s*<th scope=\"row\">\\s*{Regex.Escape(field)}\\s*</th>\\s*<td data-label=\"A\">{Regex.Escape(a)}</td>\\s*<td data-label=\"B\">{Regex.Escape(b)}</td>";

    /// <summary>A 1×1 PNG.</summary>
    internal static readonly byte[] TinyPng = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
}

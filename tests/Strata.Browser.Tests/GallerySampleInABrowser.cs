using Gallery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Strata.Client.Setup;

namespace Strata.Browser.Tests;

/// <summary>
/// Issue #16's sample app, samples/Gallery, run in-process against a real server and used through Chromium as a
/// person would: upload, see, delete, find it under Recently deleted, restore, see it again; the page's stylesheet
/// comes from the public static bucket.
/// </summary>
public sealed class GallerySampleInABrowser(StrataServer server, Chromium chromium) : IClassFixture<StrataServer>, IClassFixture<Chromium>
{
    // A 1x1 PNG, so the browser can show the uploaded image from its presigned URL.
    private static readonly byte[] Pixel = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    private static string PublicRead(string bucket) => $$"""
        {"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
        """;

    private static string SampleFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Strata.slnx"))) return Path.Combine(dir.FullName, "samples", "Gallery", relative);
        }
        throw new InvalidOperationException("The repository root (Strata.slnx) is not above the test's directory.");
    }

    private async Task<(string Media, string Static)> BucketsAsync()
    {
        using var s3 = server.CreateClient();
        var media = await server.CreateBucketAsync(versioning: true, stem: "gallery-media");
        var statics = await server.CreateBucketAsync(stem: "gallery-static");
        await s3.PutBucketPolicyAsync(statics, PublicRead(statics));
        // What `strata collectstatic --source samples/Gallery/wwwroot --target s3://static/` uploads.
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = statics, Key = "css/site.css", FilePath = SampleFile("wwwroot/css/site.css"), ContentType = "text/css",
        });
        return (media, statics);
    }

    // The user `strata apply samples/Gallery/strata.json` makes, with the policy the sample's README attaches as well.
    private async Task<(string AccessKey, string SecretKey)> AppUserAsync(string media)
    {
        var name = "gallery-app-" + Guid.NewGuid().ToString("N")[..8];
        var keys = await server.CreateUserAsync(name, AppUserPolicy.For(media));
        var extra = (await File.ReadAllTextAsync(SampleFile("recently-deleted-policy.json"))).Replace("gallery-media", media);
        using var admin = server.CreateSigned();
        (await admin.SendAsync(HttpMethod.Put, $"/_strata/admin/users/{name}/policies/gallery-recently-deleted", body: extra)).EnsureSuccessStatusCode();
        return keys;
    }

    private async Task<(WebApplication App, Uri Origin)> StartGalleryAsync(string media, string statics, string accessKey, string secretKey)
    {
        var endpoint = server.Endpoint.ToString().TrimEnd('/');
        var app = GalleryApp.Build([], new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Storages:media:Bucket"] = media,
            ["Storages:media:Endpoint"] = endpoint,
            ["Storages:media:KeyPrefix"] = "uploads",
            ["Storages:media:FileOverwrite"] = "false",
            ["Storages:media:VerifyOnStart"] = "true",
            ["Storages:media:AccessKey"] = accessKey,
            ["Storages:media:SecretKey"] = secretKey,
            ["Storages:static:Bucket"] = statics,
            ["Storages:static:Endpoint"] = endpoint,
            ["Storages:static:UrlMode"] = "Public", // no key: it only hands out public URLs
        });
        app.Urls.Add("http://127.0.0.1:0");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address));
    }

    [ChromiumFact]
    public async Task A_visitor_uploads_deletes_and_restores_a_photo_on_a_page_styled_from_the_static_bucket()
    {
        var (media, statics) = await BucketsAsync();
        var (accessKey, secretKey) = await AppUserAsync(media);
        var (app, origin) = await StartGalleryAsync(media, statics, accessKey, secretKey);
        await using var _ = app;
        await using var context = await chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(origin.ToString());

        // The stylesheet is the static bucket's copy of the sample's wwwroot/css/site.css, and it applies.
        var stylesheet = await page.Locator("link[rel=stylesheet]").GetAttributeAsync("href");
        Assert.Equal(new Uri(server.Endpoint, $"/{statics}/css/site.css").ToString(), stylesheet);
        Assert.Equal("rgb(18, 52, 86)", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).color"));
        Assert.Equal("No files yet.", await page.Locator("#empty").TextContentAsync());

        await page.SetInputFilesAsync("input[type=file]", new FilePayload { Name = "cat.png", MimeType = "image/png", Buffer = Pixel });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload" }).ClickAsync();
        var listed = page.Locator("#files li[data-name='cat.png']");
        await Assertions.Expect(listed).ToBeVisibleAsync();
        // The image shows from its presigned media URL: the browser fetched and decoded it.
        await page.WaitForFunctionAsync("() => { const i = document.querySelector(\"#files img\"); return i && i.complete && i.naturalWidth === 1; }");

        await listed.GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Deleted cat.png");
        await Assertions.Expect(page.Locator("#files li")).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Link, new() { Name = "Recently deleted" }).ClickAsync();
        var deleted = page.Locator("#deleted li[data-name='cat.png']");
        await Assertions.Expect(deleted).ToBeVisibleAsync();
        await deleted.GetByRole(AriaRole.Button, new() { Name = "Restore" }).ClickAsync();

        await Assertions.Expect(page.Locator("[role=status]")).ToContainTextAsync("Restored cat.png");
        await Assertions.Expect(page.Locator("#files li[data-name='cat.png']")).ToBeVisibleAsync();
        await page.GotoAsync(new Uri(origin, "/Deleted").ToString());
        Assert.Equal("Nothing deleted.", await page.Locator("#empty").TextContentAsync());

        // Behind the page: the marker is kept in the history and the restored copy is the latest version.
        using var s3 = server.CreateClient();
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = media, Prefix = "uploads/cat.png" })).Versions;
        Assert.Equal([false, true, false], versions.Select(v => v.IsDeleteMarker == true).ToArray());
        Assert.Equal(Pixel, await ReadAsync(s3, media, "uploads/cat.png"));
    }

    private static async Task<byte[]> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }
}

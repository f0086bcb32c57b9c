using System.Security.Cryptography;
using Amazon.S3.Util;

namespace Strata.Browser.Tests;

/// <summary>
/// A page of another origin (another 127.0.0.1 port) uploads to Strata with fetch() through a presigned PUT URL and
/// reads the object back, as a web application does: Chromium sends the preflight and enforces the answers.
/// </summary>
public sealed class CorsFromABrowser(StrataServer server, Chromium chromium) : IClassFixture<StrataServer>, IClassFixture<Chromium>
{
    // The page's script: PUT the bytes, then GET them back; everything it saw, as JSON.
    private const string Page = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>upload</title></head><body>
        <script>
        async function putThenGet(putUrl, getUrl, base64) {
          const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
          let put;
          try { put = await fetch(putUrl, { method: 'PUT', body: bytes }); }
          catch (e) { return JSON.stringify({ error: 'PUT: ' + e.message }); }
          const result = { putStatus: put.status, versionId: put.headers.get('x-amz-version-id'), etag: put.headers.get('ETag') };
          if (!put.ok) return JSON.stringify(result);
          let get;
          try { get = await fetch(getUrl, { cache: 'no-store' }); }
          catch (e) { return JSON.stringify({ ...result, error: 'GET: ' + e.message }); }
          const body = new Uint8Array(await get.arrayBuffer());
          let text = '';
          for (const b of body) text += String.fromCharCode(b);
          return JSON.stringify({ ...result, getStatus: get.status, body: btoa(text) });
        }
        </script>
        </body></html>
        """;

    private sealed record Outcome(int? PutStatus, string? VersionId, string? ETag, int? GetStatus, byte[]? Body, string? Error);

    private async Task<Outcome> UploadFromThePageAsync(PageServer site, string bucket, string key, byte[] content)
    {
        using var s3 = server.CreateClient();
        var put = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = HttpVerb.PUT, Protocol = Protocol.HTTP, Expires = DateTime.UtcNow.AddMinutes(10),
        });
        var get = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = HttpVerb.GET, Protocol = Protocol.HTTP, Expires = DateTime.UtcNow.AddMinutes(10),
        });
        var answer = await chromium.RunOnPageAsync(site, "([put, get, bytes]) => putThenGet(put, get, bytes)", new[] { put, get, Convert.ToBase64String(content) });
        return new Outcome(answer.Number("putStatus"), answer.Text("versionId"), answer.Text("etag"), answer.Number("getStatus"), answer.Bytes("body"), answer.Text("error"));
    }

    [ChromiumFact]
    public async Task A_page_of_an_allowed_origin_uploads_twice_and_reads_the_bytes_back()
    {
        await using var site = await PageServer.StartAsync(Page);
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration
            {
                Rules = [new CORSRule
                {
                    AllowedOrigins = [site.OriginText], AllowedMethods = ["PUT", "GET"], AllowedHeaders = ["*"],
                    ExposeHeaders = ["ETag", "x-amz-version-id"], MaxAgeSeconds = 600,
                }],
            },
        });
        var first = RandomNumberGenerator.GetBytes(100_000);
        var second = RandomNumberGenerator.GetBytes(3_000);

        var one = await UploadFromThePageAsync(site, bucket, "photos/upload.bin", first);
        var two = await UploadFromThePageAsync(site, bucket, "photos/upload.bin", second);

        Assert.Null(one.Error);
        Assert.Equal((200, 200), (one.PutStatus, one.GetStatus));
        Assert.Equal(first, one.Body);
        Assert.Null(two.Error);
        Assert.Equal(second, two.Body);
        Assert.NotNull(one.VersionId); // exposed to the script by the rule's ExposeHeader
        Assert.NotEqual(one.VersionId, two.VersionId);
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions;
        Assert.Equal([two.VersionId, one.VersionId], versions.Select(v => v.VersionId));
        using var stored = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "photos/upload.bin", VersionId = one.VersionId });
        using var bytes = new MemoryStream();
        await stored.ResponseStream.CopyToAsync(bytes);
        Assert.Equal(first, bytes.ToArray());
    }

    [ChromiumFact]
    public async Task Without_a_CORS_rule_the_browser_refuses_the_upload_and_nothing_is_stored()
    {
        await using var site = await PageServer.StartAsync(Page);
        var bucket = await server.CreateBucketAsync(versioning: true);

        var outcome = await UploadFromThePageAsync(site, bucket, "photos/upload.bin", RandomNumberGenerator.GetBytes(1_000));

        Assert.NotNull(outcome.Error);
        Assert.StartsWith("PUT: ", outcome.Error); // fetch() rejects: the preflight was answered 403
        Assert.Null(outcome.PutStatus);
        using var s3 = server.CreateClient();
        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }

    [ChromiumFact]
    public async Task A_page_of_another_origin_than_the_rule_names_cannot_read_the_object()
    {
        await using var site = await PageServer.StartAsync(Page);
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["http://127.0.0.1:1"], AllowedMethods = ["PUT", "GET"] }] },
        });

        var outcome = await UploadFromThePageAsync(site, bucket, "a.bin", [1, 2, 3]);

        Assert.StartsWith("PUT: ", outcome.Error);
        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }
}

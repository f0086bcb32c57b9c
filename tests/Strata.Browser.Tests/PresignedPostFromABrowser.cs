using System.Security.Cryptography;

namespace Strata.Browser.Tests;

/// <summary>
/// The recipe's browser upload: the application presigns a POST form with AWSSDK.S3, a page of another origin sends
/// the user's file to the bucket with it (fetch() and FormData, as upload widgets do), then reads the object back
/// through a presigned GET. The bucket's CORS rule is what lets the page see both answers.
/// </summary>
public sealed class PresignedPostFromABrowser(StrataServer server, Chromium chromium) : IClassFixture<StrataServer>, IClassFixture<Chromium>
{
    // The page's script: POST the form with the file last, as S3 requires, then GET the object; all it saw, as JSON.
    private const string Page = """
        <!doctype html>
        <html><head><meta charset="utf-8"><title>upload</title></head><body>
        <script>
        async function postThenGet(postUrl, fields, getUrl, base64) {
          const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
          const form = new FormData();
          for (const [name, value] of Object.entries(fields)) form.append(name, value);
          form.append('file', new Blob([bytes], { type: 'application/octet-stream' }), 'photo.bin');
          let post;
          try { post = await fetch(postUrl, { method: 'POST', body: form }); }
          catch (e) { return JSON.stringify({ error: 'POST: ' + e.message }); }
          const result = { postStatus: post.status, versionId: post.headers.get('x-amz-version-id') };
          if (!post.ok) return JSON.stringify({ ...result, answer: await post.text() });
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

    private sealed record Outcome(int? PostStatus, string? VersionId, int? GetStatus, byte[]? Body, string? Error, string? Answer);

    [ChromiumFact]
    public async Task A_page_uploads_through_a_presigned_POST_twice_and_the_bucket_keeps_both_versions()
    {
        await using var site = await PageServer.StartAsync(Page);
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration
            {
                Rules = [new CORSRule { AllowedOrigins = [site.OriginText], AllowedMethods = ["POST", "GET"], ExposeHeaders = ["x-amz-version-id"] }],
            },
        });
        var first = RandomNumberGenerator.GetBytes(200_000);
        var second = RandomNumberGenerator.GetBytes(5_000);

        var one = await UploadFromThePageAsync(site, bucket, "media/photo.bin", first);
        var two = await UploadFromThePageAsync(site, bucket, "media/photo.bin", second);

        Assert.True(one.Error is null && one.PostStatus == 204, $"first upload: {one}");
        Assert.Equal(200, one.GetStatus);
        Assert.Equal(first, one.Body);
        Assert.True(two.Error is null && two.PostStatus == 204, $"second upload: {two}");
        Assert.Equal(second, two.Body);
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions;
        Assert.Equal([two.VersionId, one.VersionId], versions.Select(v => v.VersionId));
    }

    [ChromiumFact]
    public async Task Without_a_CORS_rule_the_page_cannot_read_the_answer()
    {
        await using var site = await PageServer.StartAsync(Page);
        var bucket = await server.CreateBucketAsync(versioning: true);

        var outcome = await UploadFromThePageAsync(site, bucket, "media/photo.bin", [1, 2, 3]);

        // A form POST needs no preflight, so the upload itself may land; the page never learns of it.
        Assert.StartsWith("POST: ", outcome.Error);
        Assert.Null(outcome.PostStatus);
    }

    private async Task<Outcome> UploadFromThePageAsync(PageServer site, string bucket, string key, byte[] content)
    {
        using var s3 = server.CreateClient();
        var post = await s3.CreatePresignedPostAsync(new CreatePresignedPostRequest
        {
            BucketName = bucket,
            Key = key,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Conditions = [S3PostCondition.ContentLengthRange(1, 1024 * 1024)],
        });
        var get = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = bucket, Key = key, Verb = HttpVerb.GET, Protocol = Protocol.HTTP, Expires = DateTime.UtcNow.AddMinutes(10),
        });
        var answer = await chromium.RunOnPageAsync(site, "([url, fields, get, bytes]) => postThenGet(url, fields, get, bytes)",
            new object[] { post.Url, post.Fields, get, Convert.ToBase64String(content) });
        return new Outcome(answer.Number("postStatus"), answer.Text("versionId"), answer.Number("getStatus"), answer.Bytes("body"), answer.Text("error"), answer.Text("answer"));
    }
}

using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Rendering;
using Strata.WebConsole.Security;

namespace Strata.WebConsole.Pages.History;

/// <summary>
/// A version's bytes, streamed from the user's own GET (their rights, the version id). The console shares its origin
/// with the S3 endpoint, so a body never runs in it: a download is an attachment under <c>Content-Security-Policy:
/// sandbox</c>, and only images of the safe list are served inline, for the preview.
/// </summary>
internal static class BodyPage
{
    public static Task DownloadAsync(ConsoleContext ctx) => StreamAsync(ctx, inline: false);

    public static Task PreviewAsync(ConsoleContext ctx) => StreamAsync(ctx, inline: true);

    private static async Task StreamAsync(ConsoleContext ctx, bool inline)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Query("key") ?? "";
        var versionId = ctx.Query("versionId") is { Length: > 0 } v ? v : null;
        GetObjectResponse body;
        try
        {
            body = await ctx.Session.S3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId }, ctx.Aborted);
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            var status = (int)((e as Amazon.Runtime.AmazonServiceException)?.StatusCode ?? 0);
            await PlainAsync(ctx.Http, status is >= 400 and < 600 ? status : StatusCodes.Status502BadGateway,
                Refusals.Explain(e, "s3:GetObjectVersion", "read this version"));
            return;
        }
        using (body)
        {
            var response = ctx.Http.Response;
            var stored = body.Headers.ContentType;
            string type;
            if (inline)
            {
                // Checked before a byte is sent: SVG and every other type outside the list never render here.
                if (PreviewTypes.SafeImage(stored) is not { } image)
                {
                    await PlainAsync(ctx.Http, StatusCodes.Status415UnsupportedMediaType, "Only PNG, JPEG, GIF and WebP images are previewed; download this version instead.");
                    return;
                }
                type = image;
                response.Headers.ContentDisposition = "inline";
            }
            else
            {
                type = string.IsNullOrEmpty(stored) ? "application/octet-stream" : stored;
                var disposition = new ContentDispositionHeaderValue("attachment");
                disposition.SetHttpFileName(FileName(key));
                response.Headers.ContentDisposition = disposition.ToString();
            }
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = type;
            // Whatever the body holds, it gets no script, no forms, no same-origin powers in this origin.
            response.Headers.ContentSecurityPolicy = "sandbox; default-src 'none'";
            SecurityHeaders.NoStore(response);
            if (body.ContentLength >= 0) response.ContentLength = body.ContentLength;
            if (!string.IsNullOrEmpty(body.ETag)) response.Headers.ETag = body.ETag;
            await body.ResponseStream.CopyToAsync(response.Body, ctx.Aborted);
        }
    }

    /// <summary>The last segment of the key ("photos/cat.png" → "cat.png"); a key ending in "/" names a folder placeholder.</summary>
    internal static string FileName(string key)
    {
        var name = key.TrimEnd('/');
        name = name[(name.LastIndexOf('/') + 1)..];
        return name.Length == 0 ? "download" : name;
    }

    private static async Task PlainAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        SecurityHeaders.NoStore(http.Response);
        await http.Response.WriteAsync(text + "\n", http.RequestAborted);
    }
}

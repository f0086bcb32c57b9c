using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Pages.Objects;
using Strata.WebConsole.Rendering;

namespace Strata.WebConsole.Pages.History;

/// <summary>
/// /_strata/console/buckets/{bucket}/history?key=&amp;versionId=&amp;token=: the key's versions and delete markers,
/// newest first (ListObjectVersions with the key as prefix, keeping only the exact key; one bounded page per view),
/// and a preview of the selected version: an image of the safe list, or the first 64 KiB of a text, escaped.
/// </summary>
internal static class HistoryPage
{
    /// <summary>At most this much of a text version is shown.</summary>
    public const int TextPreviewBytes = 64 * 1024;

    public static async Task ShowAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Query("key") ?? "";
        if (key.Length == 0)
        {
            await ctx.RedirectAsync(ConsolePaths.Bucket(bucket));
            return;
        }
        var token = ctx.Query("token") is { Length: > 0 } t ? t : null;
        var s3 = ctx.Session.S3;
        Notice? refusal = null;
        var versions = new List<VersionEntry>();
        string? next = null;
        try
        {
            (versions, next) = await PageAsync(s3, bucket, key, token, ctx.Options.PageSize, ctx.Aborted);
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            refusal = new Notice(Refusals.Explain(e, "s3:ListBucketVersions", "list this bucket's versions"), IsRefusal: true);
        }
        catch (FormatException)
        {
            refusal = new Notice("That page link is not valid any more.", IsRefusal: true);
        }

        var wanted = ctx.Query("versionId");
        var selected = wanted is { Length: > 0 }
            ? versions.FirstOrDefault(v => v.VersionId == wanted) ?? new VersionEntry(wanted, null, 0, null, null, false, false, null)
            : versions.FirstOrDefault(v => !v.IsDeleteMarker);
        string? contentType = null;
        Preview? preview = null;
        if (selected is { IsDeleteMarker: false })
        {
            (contentType, preview) = await PreviewAsync(s3, bucket, key, selected.VersionId, ctx.Aborted);
        }
        else if (selected is { IsDeleteMarker: true })
        {
            preview = new Preview.None("A delete marker has no content.");
        }

        await ctx.RenderAsync<HistoryView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome("History of " + key, refusal),
            ["Model"] = new HistoryModel(bucket, key, versions, next, token is null, selected, contentType, preview),
        });
    }

    /// <summary>One page of the key's entries; the next page's token only while the listing is still on this key.</summary>
    internal static async Task<(List<VersionEntry> Versions, string? Next)> PageAsync(IAmazonS3 s3, string bucket, string key, string? token, int pageSize, CancellationToken cancellationToken)
    {
        var (keyMarker, versionIdMarker) = token is null ? (null, null) : ObjectsPage.ReadMarkers(token);
        var page = await s3.ListVersionsAsync(new ListVersionsRequest
        {
            BucketName = bucket,
            Prefix = key,
            MaxKeys = pageSize,
            KeyMarker = keyMarker,
            VersionIdMarker = versionIdMarker,
        }, cancellationToken);
        var rows = new List<VersionEntry>();
        var passedKey = false;
        foreach (var v in page.Versions ?? [])
        {
            // The prefix also matches longer keys ("a.png" finds "a.png.bak"); they sort after the key itself.
            if (v.Key != key)
            {
                passedKey = true;
                break;
            }
            rows.Add(new VersionEntry(v.VersionId ?? "null", v.LastModified, v.Size ?? 0, v.IsDeleteMarker == true ? null : v.ETag,
                OwnerName(v.Owner), v.IsLatest == true, v.IsDeleteMarker == true, v.StorageClass?.Value));
        }
        var next = !passedKey && page.IsTruncated == true ? ObjectsPage.WriteMarkers(page.NextKeyMarker, page.NextVersionIdMarker) : null;
        return (rows, next);
    }

    private static string? OwnerName(Owner? owner) =>
        owner is null ? null : !string.IsNullOrEmpty(owner.DisplayName) ? owner.DisplayName : NullIfEmpty(owner.Id);

    private static async Task<(string? ContentType, Preview Preview)> PreviewAsync(IAmazonS3 s3, string bucket, string key, string versionId, CancellationToken cancellationToken)
    {
        GetObjectMetadataResponse head;
        try
        {
            head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken);
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            return (null, new Preview.None(HeadRefusal(e)));
        }
        var type = head.Headers.ContentType;
        if (PreviewTypes.SafeImage(type) is not null) return (type, new Preview.Image(HistoryPaths.Preview(bucket, key, versionId)));
        if (!PreviewTypes.IsText(type)) return (type, new Preview.None($"No preview for {(string.IsNullOrEmpty(type) ? "this type" : type)}; download it to look inside."));
        if (!string.IsNullOrEmpty(head.Headers.ContentEncoding) && head.Headers.ContentEncoding != "identity")
        {
            return (type, new Preview.None($"The text is stored {head.Headers.ContentEncoding}-encoded; download it to read it."));
        }
        if (head.ContentLength == 0) return (type, new Preview.Text("", false));
        try
        {
            using var body = await s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket,
                Key = key,
                VersionId = versionId,
                ByteRange = new ByteRange(0, TextPreviewBytes - 1),
            }, cancellationToken);
            var buffer = new byte[TextPreviewBytes];
            var read = 0;
            while (read < buffer.Length)
            {
                var n = await body.ResponseStream.ReadAsync(buffer.AsMemory(read), cancellationToken);
                if (n == 0) break;
                read += n;
            }
            // A multi-byte character cut at the 64 KiB edge decodes as U+FFFD; the page escapes whatever comes out.
            return (type, new Preview.Text(Encoding.UTF8.GetString(buffer, 0, read), head.ContentLength > read));
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            return (type, new Preview.None(Refusals.Explain(e, "s3:GetObjectVersion", "read this version")));
        }
    }

    /// <summary>A HEAD answer has no error body: a 403 is all there is to go on.</summary>
    internal static string HeadRefusal(Exception e) => (e as Amazon.Runtime.AmazonServiceException)?.StatusCode switch
    {
        System.Net.HttpStatusCode.Forbidden => "Access denied: your key may not read this version (s3:GetObjectVersion). Ask the bucket's owner to grant it.",
        System.Net.HttpStatusCode.NotFound => "That version does not exist (any more).",
        System.Net.HttpStatusCode.MethodNotAllowed => "That version is a delete marker: it has no content.",
        _ => Refusals.Explain(e, "s3:GetObjectVersion", "read this version"),
    };

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

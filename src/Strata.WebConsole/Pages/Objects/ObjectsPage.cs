using System.Buffers.Text;
using System.Text;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Rendering;

namespace Strata.WebConsole.Pages.Objects;

/// <summary>
/// /_strata/console/buckets/{bucket}?prefix=&amp;token=&amp;deleted=1: folder-style browsing ("/" as the delimiter),
/// search by prefix, and "show deleted" (keys whose latest entry is a delete marker). Each page is one bounded list
/// request from a continuation token (a "show deleted" page at most <see cref="DeletedScanRequests"/>, from key and
/// version-id markers), never a walk of the bucket, so it stays as fast on millions of keys as on ten.
/// </summary>
internal static class ObjectsPage
{
    public static async Task ShowAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var prefix = ctx.Query("prefix") ?? "";
        var token = NullIfEmpty(ctx.Query("token"));
        var deleted = ctx.Query("deleted") == "1";
        ObjectListing listing;
        Notice? refusal = null;
        try
        {
            listing = deleted
                ? await DeletedAsync(ctx.Session.S3, bucket, prefix, token, ctx.Options.PageSize, ctx.Aborted)
                : await CurrentAsync(ctx.Session.S3, bucket, prefix, token, ctx.Options.PageSize, ctx.Aborted);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            listing = new ObjectListing(bucket, prefix, deleted, [], [], null, token is null);
            refusal = new Notice(deleted
                ? Refusals.Explain(e, "s3:ListBucketVersions", "list this bucket's versions")
                : Refusals.Explain(e, "s3:ListBucket", "list this bucket"), IsRefusal: true);
        }
        catch (FormatException)
        {
            listing = new ObjectListing(bucket, prefix, deleted, [], [], null, true);
            refusal = new Notice("That page link is not valid any more; here is the first page.", IsRefusal: true);
        }
        await ctx.RenderAsync<ObjectsView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome(prefix.Length == 0 ? bucket : $"{bucket}/{prefix}", refusal),
            ["Listing"] = listing,
        });
    }

    private static async Task<ObjectListing> CurrentAsync(IAmazonS3 s3, string bucket, string prefix, string? token, int pageSize, CancellationToken cancellationToken)
    {
        var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucket,
            Prefix = prefix,
            Delimiter = "/",
            MaxKeys = pageSize,
            ContinuationToken = token,
        }, cancellationToken);
        var rows = new List<ObjectRow>();
        foreach (var o in page.S3Objects ?? [])
        {
            // The "folder/" placeholder object of the folder being shown is the folder itself, not a row in it.
            if (o.Key == prefix && prefix.EndsWith('/')) continue;
            rows.Add(new ObjectRow(o.Key, o.Size ?? 0, o.LastModified, o.ETag, IsDeleted: false));
        }
        var next = page.IsTruncated == true ? page.NextContinuationToken : null;
        return new ObjectListing(bucket, prefix, false, page.CommonPrefixes ?? [], rows, next, token is null);
    }

    /// <summary>
    /// ListObjectVersions requests one "show deleted" page may make, of <see cref="DeletedScanEntries"/> entries each:
    /// deleted keys are often few among many live ones, so a page reads on until it has a page's worth of them or has
    /// read 20,000 versions and markers, whichever comes first. Still bounded, on a bucket of any size.
    /// </summary>
    internal const int DeletedScanRequests = 20;

    /// <summary>S3's largest ListObjectVersions page.</summary>
    internal const int DeletedScanEntries = 1000;

    private static async Task<ObjectListing> DeletedAsync(IAmazonS3 s3, string bucket, string prefix, string? token, int pageSize, CancellationToken cancellationToken)
    {
        var (keyMarker, versionIdMarker) = token is null ? (null, null) : ReadMarkers(token);
        var rows = new List<ObjectRow>();
        var folders = new List<string>();
        string? next = null;
        for (var request = 0; request < DeletedScanRequests && rows.Count < pageSize; request++)
        {
            var page = await s3.ListVersionsAsync(new ListVersionsRequest
            {
                BucketName = bucket,
                Prefix = prefix,
                Delimiter = "/",
                MaxKeys = DeletedScanEntries,
                KeyMarker = keyMarker,
                VersionIdMarker = versionIdMarker,
            }, cancellationToken);
            foreach (var v in page.Versions ?? [])
            {
                // The latest entry of a deleted key is its delete marker; a key with a live object on top is not deleted.
                if (v.IsDeleteMarker == true && v.IsLatest == true) rows.Add(new ObjectRow(v.Key, 0, v.LastModified, null, IsDeleted: true));
            }
            folders.AddRange(page.CommonPrefixes ?? []);
            if (page.IsTruncated != true)
            {
                next = null;
                break;
            }
            (keyMarker, versionIdMarker) = (page.NextKeyMarker, page.NextVersionIdMarker);
            next = WriteMarkers(keyMarker, versionIdMarker);
        }
        return new ObjectListing(bucket, prefix, true, folders, rows, next, token is null);
    }

    // The two markers of ListObjectVersions travel as one opaque token: base64url of "key\nversionId". Keys may hold
    // a newline; version ids never do, so the last newline splits them.
    internal static string WriteMarkers(string? keyMarker, string? versionIdMarker) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{keyMarker}\n{versionIdMarker}"));

    /// <exception cref="FormatException">The token was not written by <see cref="WriteMarkers"/>.</exception>
    internal static (string? Key, string? VersionId) ReadMarkers(string token)
    {
        var text = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        var split = text.LastIndexOf('\n');
        if (split < 0) throw new FormatException("not a marker token");
        return (NullIfEmpty(text[..split]), NullIfEmpty(text[(split + 1)..]));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

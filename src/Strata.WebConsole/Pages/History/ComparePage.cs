using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Rendering;

namespace Strata.WebConsole.Pages.History;

/// <summary>One line of the comparison: a field and its value in versions A and B (null: not set).</summary>
public sealed record CompareRow(string Field, string? A, string? B)
{
    public bool Differs => !string.Equals(A, B, StringComparison.Ordinal);
}

/// <summary>The comparison of two versions' metadata, or why a side could not be read.</summary>
public sealed record CompareModel(string Bucket, string Key, string A, string B, IReadOnlyList<CompareRow> Rows, string? RefusalA, string? RefusalB);

/// <summary>
/// /_strata/console/buckets/{bucket}/compare?key=&amp;a=&amp;b=: HeadObject of each version (size, ETag, the standard
/// headers, user metadata, last modified, storage class, checksum, Object Lock) and its tags when the key may read
/// them, side by side with the differences marked.
/// </summary>
internal static class ComparePage
{
    public static async Task ShowAsync(ConsoleContext ctx)
    {
        var bucket = ctx.Route("bucket");
        var key = ctx.Query("key") ?? "";
        var a = ctx.Query("a") ?? "";
        var b = ctx.Query("b") ?? "";
        if (a.Length == 0 || b.Length == 0)
        {
            ctx.Notice("Pick two versions to compare: one as A and one as B.", refusal: true);
            await ctx.RedirectAsync(HistoryPaths.History(bucket, key));
            return;
        }
        var s3 = ctx.Session.S3;
        var left = ReadAsync(s3, bucket, key, a, ctx.Aborted);
        var right = ReadAsync(s3, bucket, key, b, ctx.Aborted);
        var (fieldsA, refusalA) = await left;
        var (fieldsB, refusalB) = await right;
        var names = new List<string>(fieldsA.Keys);
        foreach (var name in fieldsB.Keys) if (!fieldsA.ContainsKey(name)) names.Add(name);
        var rows = names.ConvertAll(n => new CompareRow(n, fieldsA.GetValueOrDefault(n), fieldsB.GetValueOrDefault(n)));
        await ctx.RenderAsync<CompareView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome("Compare versions of " + key),
            ["Model"] = new CompareModel(bucket, key, a, b, rows, refusalA, refusalB),
        });
    }

    private static async Task<(Dictionary<string, string> Fields, string? Refusal)> ReadAsync(IAmazonS3 s3, string bucket, string key, string versionId, CancellationToken cancellationToken)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        GetObjectMetadataResponse head;
        try
        {
            head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest
            {
                BucketName = bucket,
                Key = key,
                VersionId = versionId,
                ChecksumMode = ChecksumMode.ENABLED,
            }, cancellationToken);
        }
        catch (Exception e) when (ActionRefusals.IsS3Failure(e))
        {
            return (fields, HistoryPage.HeadRefusal(e));
        }
        void Add(string name, string? value)
        {
            if (!string.IsNullOrEmpty(value)) fields[name] = value;
        }
        Add("Size", head.ContentLength.ToString("N0", CultureInfo.InvariantCulture) + " bytes");
        Add("ETag", head.ETag?.Trim('"'));
        Add("Last modified", Format.Time(head.LastModified));
        Add("Content-Type", head.Headers.ContentType);
        Add("Cache-Control", head.Headers.CacheControl);
        Add("Content-Disposition", head.Headers.ContentDisposition);
        Add("Content-Encoding", head.Headers.ContentEncoding);
        Add("Content-Language", head.Headers["Content-Language"]);
        Add("Expires", head.ExpiresString);
        Add("Storage class", head.StorageClass?.Value ?? "STANDARD");
        Add("Checksum CRC32", head.ChecksumCRC32);
        Add("Checksum CRC32C", head.ChecksumCRC32C);
        Add("Checksum CRC64NVME", head.ChecksumCRC64NVME);
        Add("Checksum SHA1", head.ChecksumSHA1);
        Add("Checksum SHA256", head.ChecksumSHA256);
        Add("Object Lock mode", head.ObjectLockMode?.Value);
        Add("Retain until", head.ObjectLockRetainUntilDate is { } until ? Format.Time(until) : null);
        Add("Legal hold", head.ObjectLockLegalHoldStatus?.Value);
        foreach (var name in head.Metadata.Keys.Order(StringComparer.Ordinal)) Add("Metadata " + name, head.Metadata[name]);
        try
        {
            var tags = await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = key, VersionId = versionId }, cancellationToken);
            foreach (var tag in (tags.Tagging ?? []).OrderBy(t => t.Key, StringComparer.Ordinal)) fields["Tag " + tag.Key] = tag.Value ?? "";
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied")
        {
            fields["Tags"] = "not readable with your key (s3:GetObjectVersionTagging)";
        }
        return (fields, null);
    }
}

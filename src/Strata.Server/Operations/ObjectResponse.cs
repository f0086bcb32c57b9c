using System.Buffers;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Objects;

namespace Strata.Server.Operations;

/// <summary>The headers and body of GetObject and HeadObject.</summary>
internal static class ObjectResponse
{
    public const string DefaultContentType = "binary/octet-stream";

    // S3: these query parameters override the stored header in the response of a signed GET.
    private static readonly (string Query, string Header)[] Overrides =
    [
        ("response-content-type", "Content-Type"),
        ("response-content-language", "Content-Language"),
        ("response-expires", "Expires"),
        ("response-cache-control", "Cache-Control"),
        ("response-content-disposition", "Content-Disposition"),
        ("response-content-encoding", "Content-Encoding"),
    ];

    public static void WriteHeaders(HttpResponse response, BucketInfo bucket, ObjectVersion version, IQueryCollection query)
    {
        var headers = response.Headers;
        headers.ETag = version.ETag;
        headers.LastModified = HttpValues.HttpDate(version.LastModified);
        headers.AcceptRanges = "bytes";
        headers.ContentType = version.Headers.ContentType ?? DefaultContentType;
        foreach (var (name, value) in version.Headers.Entries) headers[name] = HttpValues.MailSafe(value);
        WriteVersionId(response, bucket, version.VersionId);
        // S3 tells how many tags the version has (GetTagging reads them), only when it has some.
        if (version.Tags.Count > 0) headers["x-amz-tagging-count"] = version.Tags.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var (parameter, header) in Overrides)
        {
            if (query.TryGetValue(parameter, out var value)) headers[header] = value.ToString();
        }
    }

    /// <summary>S3 shows x-amz-version-id only for buckets that have had versioning; there the null version says "null".</summary>
    public static void WriteVersionId(HttpResponse response, BucketInfo bucket, VersionId versionId)
    {
        if (bucket.Versioning != VersioningState.Unversioned || !versionId.IsNull) response.Headers["x-amz-version-id"] = versionId.Value;
    }

    /// <param name="type">The ChecksumType to send with it (GET, HEAD, PutObject), or null where S3 sends none (UploadPart).</param>
    public static void WriteChecksum(HttpResponse response, Checksum? checksum, string? type = null)
    {
        if (checksum is null) return;
        response.Headers["x-amz-checksum-" + checksum.Algorithm.ToLowerInvariant()] = checksum.Value;
        if (type is not null) response.Headers["x-amz-checksum-type"] = type;
    }

    /// <summary>Copies a byte range of the content to the response in pooled chunks.</summary>
    public static async Task CopyAsync(Stream content, HttpResponse response, long offset, long length, CancellationToken cancellationToken)
    {
        if (offset > 0) content.Seek(offset, SeekOrigin.Begin);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(Math.Max(length, 1), 256 * 1024));
        try
        {
            var remaining = length;
            while (remaining > 0)
            {
                var read = await content.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), cancellationToken);
                if (read == 0) throw new IOException("object content ended before its recorded size");
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                remaining -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

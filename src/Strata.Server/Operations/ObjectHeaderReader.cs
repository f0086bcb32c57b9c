using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Strata.Core;
using Strata.Engine.Objects;

namespace Strata.Server.Operations;

/// <summary>The headers a PUT (or a COPY with REPLACE) asks an object to keep.</summary>
internal static class ObjectHeaderReader
{
    /// <summary>S3: user-defined metadata is limited to 2 KB, the UTF-8 bytes of every name and value added up.</summary>
    public const int MaxUserMetadataBytes = 2048;

    public static ObjectHeaders Read(HttpRequest request) => Read(request.Headers);

    /// <summary>
    /// The headers to keep from <paramref name="source"/>: a request's headers, or a browser-upload form's fields,
    /// which S3 treats as the same names (case-insensitively).
    /// </summary>
    public static ObjectHeaders Read(IDictionary<string, StringValues> source)
    {
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var name in ObjectHeaders.Kept)
        {
            var value = source.TryGetValue(name, out var values) && values.Count > 0 ? values.ToString() : null;
            if (name == "Content-Encoding" && value is not null) value = WithoutAwsChunked(value);
            if (value is not null) entries.Add(new(name, value));
        }
        var metadataBytes = 0;
        foreach (var (name, values) in source)
        {
            if (!name.StartsWith(ObjectHeaders.MetaPrefix, StringComparison.OrdinalIgnoreCase)) continue;
            var value = values.ToString();
            var lower = name.ToLowerInvariant();
            metadataBytes += Encoding.UTF8.GetByteCount(lower) - ObjectHeaders.MetaPrefix.Length + Encoding.UTF8.GetByteCount(value);
            entries.Add(new(lower, value));
        }
        if (metadataBytes > MaxUserMetadataBytes) S3Fail.With(StrataError.MetadataTooLarge);
        return new ObjectHeaders(entries);
    }

    /// <summary>S3: "aws-chunked" describes the transfer, not the object, and is not stored.</summary>
    private static string? WithoutAwsChunked(string contentEncoding)
    {
        if (!contentEncoding.Contains("aws-chunked", StringComparison.OrdinalIgnoreCase)) return contentEncoding;
        var kept = contentEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(e => !e.Equals("aws-chunked", StringComparison.OrdinalIgnoreCase));
        var joined = string.Join(", ", kept);
        return joined.Length == 0 ? null : joined;
    }
}

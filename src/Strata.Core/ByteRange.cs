namespace Strata.Core;

/// <summary>An inclusive byte range resolved against an object's length.</summary>
public readonly record struct ByteRange(long First, long Last)
{
    public long Length => Last - First + 1;

    /// <summary>
    /// Parses a Range header ("bytes=0-9", "bytes=5-", "bytes=-5") against the object length.
    /// Null when the header is absent or not a single byte range (S3 then ignores it and sends the whole object);
    /// throws InvalidRange when the range cannot be satisfied.
    /// </summary>
    public static ByteRange? Parse(string? header, long length)
    {
        if (string.IsNullOrWhiteSpace(header)) return null;
        var spec = header.Trim();
        if (!spec.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase)) return null;
        spec = spec[6..].Trim();
        if (spec.Contains(',')) return null; // S3 serves the whole object for multiple ranges
        var dash = spec.IndexOf('-');
        if (dash < 0) return null;
        var firstText = spec[..dash].Trim();
        var lastText = spec[(dash + 1)..].Trim();
        if (firstText.Length == 0)
        {
            // Suffix range: the last N bytes.
            if (!long.TryParse(lastText, System.Globalization.NumberStyles.None, null, out var suffix)) return null;
            if (suffix == 0 || length == 0) throw S3Fail.Exception(StrataError.InvalidRange);
            return new ByteRange(Math.Max(0, length - suffix), length - 1);
        }
        if (!long.TryParse(firstText, System.Globalization.NumberStyles.None, null, out var first)) return null;
        long last;
        if (lastText.Length == 0)
        {
            last = length - 1;
        }
        else if (!long.TryParse(lastText, System.Globalization.NumberStyles.None, null, out last) || last < first)
        {
            return null;
        }
        if (first >= length) throw S3Fail.Exception(StrataError.InvalidRange);
        return new ByteRange(first, Math.Min(last, length - 1));
    }
}

namespace Strata.Engine.Listing;

/// <summary>Keys as UTF-8 bytes: S3 lists in UTF-8 binary order, which is SQLite's BLOB order.</summary>
internal static class KeyBytes
{
    public static int Compare(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) => a.SequenceCompareTo(b);

    /// <summary>The smallest byte string greater than every string starting with <paramref name="prefix"/>; null if none.</summary>
    public static byte[]? Successor(ReadOnlySpan<byte> prefix)
    {
        var end = prefix.Length;
        while (end > 0 && prefix[end - 1] == 0xFF) end--;
        if (end == 0) return null;
        var next = prefix[..end].ToArray();
        next[end - 1]++;
        return next;
    }

    /// <summary>
    /// The common prefix a key rolls up into: the key up to and including the first delimiter after
    /// the prefix, or null when the key has no delimiter there.
    /// </summary>
    public static byte[]? CommonPrefix(byte[] key, int prefixLength, byte[]? delimiter)
    {
        if (delimiter is null || delimiter.Length == 0) return null;
        var at = key.AsSpan(prefixLength).IndexOf(delimiter);
        return at < 0 ? null : key.AsSpan(0, prefixLength + at + delimiter.Length).ToArray();
    }
}

/// <summary>Runs one listing query over a bucket's key range and reads its (key, version) rows.</summary>
internal static class ListingRows
{
    /// <param name="sql">Selects <c>Rows.ListingColumns</c> with the parameters $b, $lower, $limit and, when <paramref name="upper"/> is set, $upper.</param>
    public static List<(byte[] Key, Objects.ObjectVersion Version)> Fetch(Microsoft.Data.Sqlite.SqliteConnection connection, string sql,
        long bucketId, byte[] lower, byte[]? upper, int limit)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Metadata.Rows.With(command, "$b", bucketId);
        Metadata.Rows.With(command, "$lower", lower);
        Metadata.Rows.With(command, "$limit", limit);
        if (upper is not null) Metadata.Rows.With(command, "$upper", upper);
        var rows = new List<(byte[], Objects.ObjectVersion)>(Math.Min(limit, 1001));
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            var key = (byte[])r.GetValue(1);
            rows.Add((key, Metadata.Rows.ReadListed(r, key)));
        }
        return rows;
    }
}

/// <summary>One page of a listing: entries and common prefixes in key order.</summary>
public sealed class ListPage<T>
{
    public List<T> Entries { get; } = [];
    public List<string> CommonPrefixes { get; } = [];
    public bool IsTruncated { get; set; }

    /// <summary>The last key or common prefix returned: the marker of the next page.</summary>
    public string? LastKey { get; set; }

    public int Count => Entries.Count + CommonPrefixes.Count;

    /// <summary>
    /// Rolls a key up into its common prefix when it has one: records the prefix (unless a page before the
    /// marker already returned it) and gives where the scan resumes, past every key under it (null: nothing
    /// can follow). False when the key stands on its own.
    /// </summary>
    internal bool TryRollUp(byte[] key, int prefixLength, byte[]? delimiter, byte[]? after, out byte[]? resumeAt)
    {
        resumeAt = null;
        var common = KeyBytes.CommonPrefix(key, prefixLength, delimiter);
        if (common is null) return false;
        if (after is null || KeyBytes.Compare(common, after) > 0)
        {
            var text = System.Text.Encoding.UTF8.GetString(common);
            CommonPrefixes.Add(text);
            LastKey = text;
        }
        resumeAt = KeyBytes.Successor(common);
        return true;
    }
}

using System.Text;
using Microsoft.Data.Sqlite;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine.Listing;

/// <summary>
/// ListObjects and ListObjectsV2: a seek over <c>current</c>, which holds only keys whose newest
/// version is an object, so a page costs the same however many versions or markers lie beneath.
/// A common prefix is emitted once and the scan jumps past every key under it.
/// </summary>
internal static class ObjectListing
{
    public static ListPage<ObjectVersion> List(SqliteConnection connection, long bucketId, string prefix, string? delimiter, string? startAfter, int maxKeys)
    {
        var page = new ListPage<ObjectVersion>();
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var after = startAfter is null ? null : Encoding.UTF8.GetBytes(startAfter);
        var upper = prefixBytes.Length > 0 ? KeyBytes.Successor(prefixBytes) : null;

        var lower = prefixBytes;
        var inclusive = true;
        if (after is not null && KeyBytes.Compare(after, prefixBytes) >= 0)
        {
            lower = after;
            inclusive = false;
        }
        if (maxKeys <= 0) return page;

        while (true)
        {
            var want = maxKeys - page.Count + 1;
            var rows = Fetch(connection, bucketId, lower, inclusive, upper, want);
            var restarted = false;
            foreach (var (keyBytes, version) in rows)
            {
                if (page.Count == maxKeys)
                {
                    page.IsTruncated = true;
                    return page;
                }
                if (page.TryRollUp(keyBytes, prefixBytes.Length, delimiterBytes, after, out var next))
                {
                    if (next is null) return page;
                    lower = next;
                    inclusive = true;
                    restarted = true;
                    break;
                }
                page.Entries.Add(version);
                page.LastKey = version.Key.Value;
                lower = keyBytes;
                inclusive = false;
            }
            if (!restarted && rows.Count < want) return page;
        }
    }

    private static List<(byte[] Key, ObjectVersion Version)> Fetch(SqliteConnection connection, long bucketId, byte[] lower, bool inclusive, byte[]? upper, int limit) =>
        ListingRows.Fetch(connection, $"""
            SELECT {Rows.ListingColumns} FROM current c JOIN versions v ON v.seq = c.seq
            WHERE c.bucket_id = $b AND c.key {(inclusive ? ">=" : ">")} $lower {(upper is null ? "" : "AND c.key < $upper")}
            ORDER BY c.key LIMIT $limit
            """, bucketId, lower, upper, limit);
}

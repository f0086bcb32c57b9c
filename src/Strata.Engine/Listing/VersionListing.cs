using System.Text;
using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine.Listing;

/// <summary>
/// ListObjectVersions: keys in UTF-8 binary order, each key's versions newest first (descending commit
/// order), resumable at (key-marker, version-id-marker). A page is one index seek plus the rows it returns.
/// </summary>
internal static class VersionListing
{
    public static ListPage<ObjectVersion> List(SqliteConnection connection, long bucketId, string prefix, string? delimiter,
        string? keyMarker, VersionId? versionIdMarker, int maxKeys)
    {
        var page = new ListPage<ObjectVersion>();
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var after = string.IsNullOrEmpty(keyMarker) ? null : Encoding.UTF8.GetBytes(keyMarker);
        var upper = prefixBytes.Length > 0 ? KeyBytes.Successor(prefixBytes) : null;
        if (maxKeys <= 0) return page;

        var lower = prefixBytes;
        var inclusive = true;
        if (after is not null && KeyBytes.Compare(after, prefixBytes) >= 0)
        {
            lower = after;
            inclusive = false;
        }

        // Where the scan stands inside one key's stack: the versions older than Seq remain.
        (byte[] Key, long Seq)? within = null;
        if (after is not null && versionIdMarker is { } marker && !inclusive
            && (upper is null || KeyBytes.Compare(after, upper) < 0)
            && KeyBytes.CommonPrefix(after, prefixBytes.Length, delimiterBytes) is null
            && SeqOf(connection, bucketId, after, marker) is { } markerSeq)
        {
            within = (after, markerSeq);
        }

        while (true)
        {
            var want = maxKeys - page.Count + 1;
            if (within is { } w)
            {
                var older = FetchBelow(connection, bucketId, w.Key, w.Seq, want);
                foreach (var version in older)
                {
                    if (IsFull(page, maxKeys)) return Truncated(page);
                    page.Entries.Add(version); // below the top of its stack: never the latest
                    page.LastKey = version.Key.Value;
                    within = (w.Key, version.Seq);
                }
                if (older.Count == want) continue;
                within = null;
                lower = w.Key;
                inclusive = false;
                continue;
            }

            var rows = Fetch(connection, bucketId, lower, inclusive, upper, want);
            var restarted = false;
            byte[]? previous = null;
            foreach (var (keyBytes, version) in rows)
            {
                if (IsFull(page, maxKeys)) return Truncated(page);
                if (page.TryRollUp(keyBytes, prefixBytes.Length, delimiterBytes, after, out var next))
                {
                    if (next is null) return page;
                    lower = next;
                    inclusive = true;
                    restarted = true;
                    break;
                }
                // Each fetch starts at a fresh key, so the first row of every key is the top of its stack.
                var isLatest = previous is null || !keyBytes.AsSpan().SequenceEqual(previous);
                page.Entries.Add(version with { IsLatest = isLatest });
                page.LastKey = version.Key.Value;
                previous = keyBytes;
                within = (keyBytes, version.Seq);
            }
            if (restarted)
            {
                within = null;
                continue;
            }
            if (rows.Count < want) return page;
        }
    }

    private static bool IsFull<T>(ListPage<T> page, int maxKeys) => page.Count >= maxKeys;

    private static ListPage<T> Truncated<T>(ListPage<T> page)
    {
        page.IsTruncated = true;
        return page;
    }

    private static long? SeqOf(SqliteConnection connection, long bucketId, byte[] key, VersionId versionId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT seq FROM versions WHERE bucket_id = $b AND key = $k AND version_id = $v";
        command.With("$b", bucketId).With("$k", key).With("$v", versionId.Value);
        return command.ExecuteScalar() is long seq ? seq : null;
    }

    private static List<ObjectVersion> FetchBelow(SqliteConnection connection, long bucketId, byte[] key, long seq, int limit)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Rows.ListingColumns} FROM versions v WHERE bucket_id = $b AND key = $k AND seq < $s ORDER BY seq DESC LIMIT $limit";
        command.With("$b", bucketId).With("$k", key).With("$s", seq).With("$limit", limit);
        var rows = new List<ObjectVersion>();
        using var r = command.ExecuteReader();
        while (r.Read()) rows.Add(Rows.ReadListed(r, key));
        return rows;
    }

    private static List<(byte[] Key, ObjectVersion Version)> Fetch(SqliteConnection connection, long bucketId, byte[] lower, bool inclusive, byte[]? upper, int limit) =>
        ListingRows.Fetch(connection, $"""
            SELECT {Rows.ListingColumns} FROM versions v
            WHERE bucket_id = $b AND key {(inclusive ? ">=" : ">")} $lower {(upper is null ? "" : "AND key < $upper")}
            ORDER BY key, seq DESC LIMIT $limit
            """, bucketId, lower, upper, limit);
}

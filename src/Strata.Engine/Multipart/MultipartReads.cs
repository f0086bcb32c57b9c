using System.Text;
using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Listing;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;

namespace Strata.Engine.Multipart;

internal static class MultipartReads
{
    public static (long Row, UploadInfo Upload)? Find(SqliteConnection connection, long bucketId, ObjectKey key, string uploadId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id, initiated_ms, headers, checksum_algorithm, checksum_type, acl FROM uploads WHERE upload_id = $u AND bucket_id = $b AND key = $k";
        command.With("$u", uploadId).With("$b", bucketId).With("$k", key.ToUtf8());
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        return (r.GetInt64(0), new UploadInfo(uploadId, key, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
            ObjectHeaders.Deserialize(r.GetString(2)), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
            r.IsDBNull(5) ? null : r.GetString(5)));
    }

    /// <summary>Parts after <paramref name="partNumberMarker"/>, ascending, one more than asked to tell truncation.</summary>
    public static List<PartInfo> Parts(SqliteConnection connection, long uploadRow, int partNumberMarker, int limit)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT part_number, size, etag, checksum, modified_ms FROM parts WHERE upload = $u AND part_number > $m ORDER BY part_number LIMIT $l";
        command.With("$u", uploadRow).With("$m", partNumberMarker).With("$l", limit);
        var parts = new List<PartInfo>();
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            parts.Add(new PartInfo((int)r.GetInt64(0), r.GetInt64(1), r.GetString(2), Checksum.Deserialize(r.IsDBNull(3) ? null : r.GetString(3)),
                DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4))));
        }
        return parts;
    }

    /// <summary>
    /// ListMultipartUploads: uploads ordered by key, then by initiation time, resumable at
    /// (key-marker, upload-id-marker), with common prefixes rolled up like a listing.
    /// </summary>
    public static ListPage<UploadInfo> List(SqliteConnection connection, long bucketId, string prefix, string? delimiter, string? keyMarker, string? uploadIdMarker, int maxUploads)
    {
        var page = new ListPage<UploadInfo>();
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
        var delimiterBytes = string.IsNullOrEmpty(delimiter) ? null : Encoding.UTF8.GetBytes(delimiter);
        var after = keyMarker is null ? null : Encoding.UTF8.GetBytes(keyMarker);
        var upper = prefixBytes.Length > 0 ? KeyBytes.Successor(prefixBytes) : null;
        using var command = connection.CreateCommand();
        // Uploads in progress are few; one ordered scan of the bucket's prefix is enough.
        command.CommandText = $"""
            SELECT upload_id, key, initiated_ms, headers, checksum_algorithm, checksum_type, acl FROM uploads
            WHERE bucket_id = $b AND key >= $lower {(upper is null ? "" : "AND key < $upper")}
            ORDER BY key, initiated_ms, id
            """;
        command.With("$b", bucketId).With("$lower", prefixBytes);
        if (upper is not null) command.With("$upper", upper);
        using var r = command.ExecuteReader();
        var passedMarker = uploadIdMarker is null;
        byte[]? lastPrefix = null;
        while (r.Read())
        {
            var key = (byte[])r.GetValue(1);
            var id = r.GetString(0);
            if (after is not null)
            {
                var order = KeyBytes.Compare(key, after);
                if (order < 0) continue;
                if (order == 0)
                {
                    // Same key as the marker: only uploads after the upload-id marker, and none without one.
                    if (uploadIdMarker is null) continue;
                    if (!passedMarker)
                    {
                        passedMarker = id == uploadIdMarker;
                        continue;
                    }
                }
            }
            var common = KeyBytes.CommonPrefix(key, prefixBytes.Length, delimiterBytes);
            if (common is not null)
            {
                if (lastPrefix is not null && common.AsSpan().SequenceEqual(lastPrefix)) continue;
                if (after is not null && KeyBytes.Compare(common, after) <= 0) continue;
                if (page.Entries.Count + page.CommonPrefixes.Count == maxUploads)
                {
                    page.IsTruncated = true;
                    return page;
                }
                lastPrefix = common;
                var text = Encoding.UTF8.GetString(common);
                page.CommonPrefixes.Add(text);
                page.LastKey = text;
                continue;
            }
            if (page.Entries.Count + page.CommonPrefixes.Count == maxUploads)
            {
                page.IsTruncated = true;
                return page;
            }
            page.Entries.Add(new UploadInfo(id, ObjectKey.FromUtf8(key), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
                ObjectHeaders.Deserialize(r.GetString(3)), r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetString(5),
                r.IsDBNull(6) ? null : r.GetString(6)));
            page.LastKey = page.Entries[^1].Key.Value;
        }
        return page;
    }

    public static List<ObjectPart> ObjectParts(SqliteConnection connection, long seq)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT part_number, offset, size, blob_id, inline, checksum, body_hash FROM version_parts WHERE seq = $s ORDER BY part_number";
        command.With("$s", seq);
        var parts = new List<ObjectPart>();
        using var r = command.ExecuteReader();
        while (r.Read())
        {
            parts.Add(new ObjectPart((int)r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.IsDBNull(3) ? null : r.GetString(3), r.IsDBNull(4) ? null : (byte[])r.GetValue(4),
                Checksum.Deserialize(r.IsDBNull(5) ? null : r.GetString(5)))
            {
                BodyHash = r.IsDBNull(6) ? null : (byte[])r.GetValue(6),
            });
        }
        return parts;
    }
}

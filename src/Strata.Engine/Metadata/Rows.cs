using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Core.Tagging;
using Strata.Engine.Objects;

namespace Strata.Engine.Metadata;

/// <summary>Reads rows of the versions table; every query selects <see cref="VersionColumns"/> in this order.</summary>
internal static class Rows
{
    public const string VersionColumns = "v.seq, v.key, v.version_id, v.is_marker, v.size, v.etag, v.modified_ms, v.headers, v.checksum, v.blob_id, v.inline, v.parts_count, v.lock_mode, v.lock_until_ms, v.legal_hold, v.tags, v.body_hash";

    /// <summary>How many columns <see cref="VersionColumns"/> names: the index of a column a query selects after them.</summary>
    public static readonly int VersionColumnCount = VersionColumns.Split(',').Length;

    /// <summary>
    /// The columns a listing returns, in the same positions: a listing page never needs an object's stored
    /// headers, checksum or inline body, so it does not read them. After them, v.acl: <see cref="ReadListed"/> takes the
    /// owner from its first line.
    /// </summary>
    public const string ListingColumns = "v.seq, v.key, v.version_id, v.is_marker, v.size, v.etag, v.modified_ms, '', NULL, NULL, NULL, v.parts_count, NULL, NULL, NULL, NULL, NULL, v.acl";

    /// <summary>A listing row (<see cref="ListingColumns"/>): the version, with its owner when the ACL names one (NULL, the common case: the bucket owner).</summary>
    public static ObjectVersion ReadListed(SqliteDataReader r, byte[] keyBytes)
    {
        var version = ReadVersion(r, keyBytes);
        return r.IsDBNull(VersionColumnCount) ? version : version with { OwnerId = Core.Acls.StoredAcl.OwnerOf(r.GetString(VersionColumnCount)) };
    }

    /// <summary>The same columns unqualified, for RETURNING clauses (which cannot name a table alias).</summary>
    public const string VersionColumnsUnqualified = "seq, key, version_id, is_marker, size, etag, modified_ms, headers, checksum, blob_id, inline, parts_count, lock_mode, lock_until_ms, legal_hold, tags, body_hash";

    public static ObjectVersion ReadVersion(SqliteDataReader r, byte[]? keyBytes = null)
    {
        keyBytes ??= (byte[])r.GetValue(1);
        VersionId.TryParse(r.GetString(2), out var versionId);
        return new ObjectVersion(
            Seq: r.GetInt64(0),
            Key: ObjectKey.FromUtf8(keyBytes),
            VersionId: versionId,
            IsDeleteMarker: r.GetInt64(3) != 0,
            Size: r.GetInt64(4),
            ETag: r.GetString(5),
            LastModified: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
            Headers: ObjectHeaders.Deserialize(r.GetString(7)),
            Checksum: Checksum.Deserialize(r.IsDBNull(8) ? null : r.GetString(8)),
            BlobId: r.IsDBNull(9) ? null : r.GetString(9),
            Inline: r.IsDBNull(10) ? null : (byte[])r.GetValue(10))
        {
            PartsCount = (int)r.GetInt64(11),
            Lock = ObjectLock.ObjectLockSql.Read(r, 12),
            Tags = TagSet.Deserialize(r.IsDBNull(15) ? null : r.GetString(15)),
            BodyHash = r.IsDBNull(16) ? null : (byte[])r.GetValue(16),
        };
    }

    public static BucketInfo ReadBucket(SqliteDataReader r) => new(
        Id: r.GetInt64(0),
        Name: BucketName.Parse(r.GetString(1)),
        Created: DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)),
        Region: r.GetString(3),
        Versioning: (VersioningState)r.GetInt64(4),
        MfaDelete: (MfaDeleteState)r.GetInt64(5),
        Owner: r.IsDBNull(6) ? null : r.GetString(6));

    public const string BucketColumns = "id, name, created_ms, region, versioning, mfa_delete, owner";

    public static SqliteCommand With(this SqliteCommand command, string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return command;
    }
}

using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Metadata;
using Strata.Engine.Multipart;
using Strata.Engine.ObjectLock;
using Strata.Engine.Objects;
using Strata.Engine.Replication;
using Strata.Engine.Settings;

namespace Strata.Engine.Buckets;

internal static class BucketReads
{
    public static BucketInfo? Find(ReadSession session, BucketName name)
    {
        using var command = session.Command($"SELECT {Rows.BucketColumns} FROM buckets WHERE name = $n").With("$n", name.Value);
        using var r = command.ExecuteReader();
        return r.Read() ? Rows.ReadBucket(r) : null;
    }

    public static List<BucketInfo> List(SqliteConnection connection, bool all, string? owner)
    {
        using var command = connection.CreateCommand();
        command.CommandText = all ? $"SELECT {Rows.BucketColumns} FROM buckets ORDER BY name"
            : owner is null ? $"SELECT {Rows.BucketColumns} FROM buckets WHERE owner IS NULL ORDER BY name"
            : $"SELECT {Rows.BucketColumns} FROM buckets WHERE owner = $o ORDER BY name";
        command.With("$o", owner);
        var buckets = new List<BucketInfo>();
        using var r = command.ExecuteReader();
        while (r.Read()) buckets.Add(Rows.ReadBucket(r));
        return buckets;
    }
}

internal static class BucketWrites
{
    private const string UsEast1 = "us-east-1";

    /// <param name="owner">The owning account's id; null: the server's own account.</param>
    /// <param name="objectLockEnabled">x-amz-bucket-object-lock-enabled: S3 then enables versioning with Object Lock.</param>
    /// <param name="configs">Documents (kind, document) the bucket starts with, in the same commit: its ACL, its ownership.</param>
    public static BucketInfo Create(WriteTransaction tx, BucketName name, string region, string? owner, DateTimeOffset now, bool objectLockEnabled = false,
        IReadOnlyList<KeyValuePair<string, string>>? configs = null)
    {
        using (var exists = tx.Command($"SELECT {Rows.BucketColumns} FROM buckets WHERE name = $n").With("$n", name.Value))
        using (var found = exists.ExecuteReader())
        {
            // S3: a name is global. Another account's bucket: BucketAlreadyExists. The caller's own: 200 in us-east-1
            // (its legacy behaviour, which the SDKs rely on) and BucketAlreadyOwnedByYou elsewhere.
            if (found.Read())
            {
                var bucket = Rows.ReadBucket(found);
                if (bucket.Owner != owner) S3Fail.With(StrataError.BucketAlreadyExists);
                if (region == UsEast1) return bucket;
                S3Fail.With(StrataError.BucketAlreadyOwnedByYou);
            }
        }
        BucketInfo created;
        using (var insert = tx.Command($"INSERT INTO buckets(name, created_ms, region, owner, versioning) VALUES($n, $t, $r, $o, $v) RETURNING {Rows.BucketColumns}")
            .With("$n", name.Value).With("$t", now.ToUnixTimeMilliseconds()).With("$r", region).With("$o", owner)
            .With("$v", (long)(objectLockEnabled ? VersioningState.Enabled : VersioningState.Unversioned)))
        using (var r = insert.ExecuteReader())
        {
            r.Read();
            created = Rows.ReadBucket(r);
        }
        SettingRows.CopyBucketDefaults(tx, created.Id);
        if (objectLockEnabled) ObjectLockWrites.SetConfiguration(tx, created.Id, Core.ObjectLock.ObjectLockConfiguration.Enabled);
        foreach (var (kind, document) in configs ?? [])
        {
            using var config = tx.Command("INSERT INTO bucket_configs(bucket_id, kind, document) VALUES($b, $k, $d)")
                .With("$b", created.Id).With("$k", kind).With("$d", document);
            config.ExecuteNonQuery();
        }
        return created;
    }

    public static bool Delete(WriteTransaction tx, BlobStore blobs, BucketName name)
    {
        var (id, _) = StackWrites.Bucket(tx, name);
        // S3: a bucket with any version or delete marker left is not empty.
        using (var any = tx.Command("SELECT 1 FROM versions WHERE bucket_id = $b LIMIT 1").With("$b", id))
        {
            if (any.ExecuteScalar() is not null) S3Fail.With(StrataError.BucketNotEmpty);
        }
        // S3: multipart uploads still in progress do not keep a bucket from being deleted; they are aborted with it.
        var uploads = new List<long>();
        using (var open = tx.Command("SELECT id FROM uploads WHERE bucket_id = $b").With("$b", id))
        using (var r = open.ExecuteReader())
        {
            while (r.Read()) uploads.Add(r.GetInt64(0));
        }
        foreach (var upload in uploads) MultipartWrites.DropUpload(tx, blobs, upload);
        using var delete = tx.Command("DELETE FROM buckets WHERE id = $b; DELETE FROM bucket_policies WHERE bucket_id = $b; DELETE FROM bucket_configs WHERE bucket_id = $b").With("$b", id);
        delete.ExecuteNonQuery();
        blobs.Figures.BucketDeleted(tx, id);
        return true;
    }

    public static BucketInfo SetVersioning(WriteTransaction tx, BucketName name, VersioningState? state, MfaDeleteState? mfaDelete, bool mfaVerified)
    {
        var (id, current, currentMfa) = StackWrites.BucketSettings(tx, name);
        var (target, targetMfa) = VersionStack.Configure(current, currentMfa, state, mfaDelete, mfaVerified) switch
        {
            VersioningDecision.Apply apply => (apply.State, apply.MfaDelete),
            VersioningDecision.Refuse(var error, var message) => throw S3Fail.Exception(error, message),
            _ => throw new InvalidOperationException(),
        };
        // S3: versioning cannot be suspended on a bucket with Object Lock (its locks rely on every write keeping the old versions).
        if (target != VersioningState.Enabled && ObjectLockWrites.Configuration(tx, id) is not null)
        {
            S3Fail.With(StrataError.InvalidBucketState, "An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.");
        }
        // S3: replication needs versioning Enabled on the source; suspending it is refused while the rules exist (409, as AWS answers).
        if (target != VersioningState.Enabled && ReplicationOutbox.Configuration(tx, id) is not null)
        {
            S3Fail.With(StrataError.InvalidBucketState,
                "A replication configuration is present on this bucket, so you cannot change the versioning state. To change the versioning state, first delete the replication configuration.");
        }
        using var command = tx.Command($"UPDATE buckets SET versioning = $v, mfa_delete = $m WHERE id = $id RETURNING {Rows.BucketColumns}")
            .With("$id", id).With("$v", (long)target).With("$m", (long)targetMfa);
        using var r = command.ExecuteReader();
        r.Read();
        return Rows.ReadBucket(r);
    }
}

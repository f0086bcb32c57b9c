using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Metadata;
using Strata.Engine.Multipart;
using Strata.Engine.Objects;

namespace Strata.Engine.Buckets;

internal static class BucketReads
{
    public static BucketInfo? Find(ReadSession session, BucketName name)
    {
        using var command = session.Command($"SELECT {Rows.BucketColumns} FROM buckets WHERE name = $n").With("$n", name.Value);
        using var r = command.ExecuteReader();
        return r.Read() ? Rows.ReadBucket(r) : null;
    }

    public static List<BucketInfo> List(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Rows.BucketColumns} FROM buckets ORDER BY name";
        var buckets = new List<BucketInfo>();
        using var r = command.ExecuteReader();
        while (r.Read()) buckets.Add(Rows.ReadBucket(r));
        return buckets;
    }
}

internal static class BucketWrites
{
    private const string UsEast1 = "us-east-1";

    public static BucketInfo Create(WriteTransaction tx, BucketName name, string region, DateTimeOffset now,
        IReadOnlyList<KeyValuePair<string, string>>? configs = null)
    {
        using (var exists = tx.Command($"SELECT {Rows.BucketColumns} FROM buckets WHERE name = $n").With("$n", name.Value))
        using (var found = exists.ExecuteReader())
        {
            // One owner per server, so an existing name is always the caller's own bucket. S3 answers 200 for it
            // in us-east-1 (its legacy behaviour, which the SDKs rely on) and BucketAlreadyOwnedByYou elsewhere.
            if (found.Read())
            {
                if (region == UsEast1) return Rows.ReadBucket(found);
                S3Fail.With(StrataError.BucketAlreadyOwnedByYou);
            }
        }
        using var insert = tx.Command($"INSERT INTO buckets(name, created_ms, region) VALUES($n, $t, $r) RETURNING {Rows.BucketColumns}")
            .With("$n", name.Value).With("$t", now.ToUnixTimeMilliseconds()).With("$r", region);
        BucketInfo created;
        using (var r = insert.ExecuteReader())
        {
            r.Read();
            created = Rows.ReadBucket(r);
        }
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
        using var command = tx.Command($"UPDATE buckets SET versioning = $v, mfa_delete = $m WHERE id = $id RETURNING {Rows.BucketColumns}")
            .With("$id", id).With("$v", (long)target).With("$m", (long)targetMfa);
        using var r = command.ExecuteReader();
        r.Read();
        return Rows.ReadBucket(r);
    }
}

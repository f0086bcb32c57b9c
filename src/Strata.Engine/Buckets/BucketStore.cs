using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Metadata;
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
    public static BucketInfo Create(WriteTransaction tx, BucketName name, string region, DateTimeOffset now)
    {
        using (var exists = tx.Command("SELECT 1 FROM buckets WHERE name = $n").With("$n", name.Value))
        {
            // One owner per server, so an existing name is always the caller's own bucket.
            if (exists.ExecuteScalar() is not null) S3Fail.With(StrataError.BucketAlreadyOwnedByYou);
        }
        using var insert = tx.Command($"INSERT INTO buckets(name, created_ms, region) VALUES($n, $t, $r) RETURNING {Rows.BucketColumns}")
            .With("$n", name.Value).With("$t", now.ToUnixTimeMilliseconds()).With("$r", region);
        using var r = insert.ExecuteReader();
        r.Read();
        return Rows.ReadBucket(r);
    }

    public static bool Delete(WriteTransaction tx, BucketName name)
    {
        var (id, _) = StackWrites.Bucket(tx, name);
        // S3: a bucket with any version or delete marker left is not empty.
        using (var any = tx.Command("SELECT 1 FROM versions WHERE bucket_id = $b LIMIT 1").With("$b", id))
        {
            if (any.ExecuteScalar() is not null) S3Fail.With(StrataError.BucketNotEmpty);
        }
        // S3 refuses as well while multipart uploads are in progress.
        using (var uploads = tx.Command("SELECT 1 FROM uploads WHERE bucket_id = $b LIMIT 1").With("$b", id))
        {
            if (uploads.ExecuteScalar() is not null) S3Fail.With(StrataError.BucketNotEmpty);
        }
        using var delete = tx.Command("DELETE FROM buckets WHERE id = $b; DELETE FROM bucket_policies WHERE bucket_id = $b").With("$b", id);
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

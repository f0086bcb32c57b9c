using System.Text;
using Strata.Core;
using Strata.Engine.Replication;

namespace Strata.Engine;

/// <summary>
/// Remote targets for replication (`strata admin remote add`): an S3 endpoint and the key to write there. The secret is
/// sealed with the data directory's secret.key like every other stored secret, and opened only for the replicator's client.
/// </summary>
public sealed partial class StorageEngine
{
    /// <summary>Adds a remote target; EntityAlreadyExists when the name is taken.</summary>
    public Task<RemoteTarget> AddRemoteAsync(RemoteTarget remote, string secretKey)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx =>
        {
            using (var exists = tx.Command("SELECT 1 FROM remotes WHERE name = $n").With("$n", remote.Name))
            {
                if (exists.ExecuteScalar() is not null) throw S3Fail.Exception(StrataError.EntityAlreadyExists, $"A remote named '{remote.Name}' exists already; remove it first.");
            }
            using var insert = tx.Command("""
                INSERT INTO remotes(name, endpoint, region, path_style, ca_bundle, access_key_id, secret, created_ms)
                VALUES($n, $e, $r, $p, $c, $k, $s, $t)
                """)
                .With("$n", remote.Name).With("$e", remote.Endpoint).With("$r", remote.Region).With("$p", remote.PathStyle ? 1 : 0)
                .With("$c", remote.CaBundlePem).With("$k", remote.AccessKeyId).With("$s", Secrets.Seal(Encoding.UTF8.GetBytes(secretKey)))
                .With("$t", now.ToUnixTimeMilliseconds());
            insert.ExecuteNonQuery();
            return remote with { Created = now };
        });
    }

    public List<RemoteTarget> ListRemotes()
    {
        using var session = Read();
        using var command = session.Command("SELECT name, endpoint, region, path_style, ca_bundle, access_key_id, created_ms FROM remotes ORDER BY name");
        using var r = command.ExecuteReader();
        var remotes = new List<RemoteTarget>();
        while (r.Read()) remotes.Add(ReadRemote(r));
        return remotes;
    }

    /// <summary>The remote and its secret (for the replicator's and `remote check`'s client only); NoSuchEntity when unknown.</summary>
    public (RemoteTarget Remote, string SecretKey) GetRemoteWithSecret(string name)
    {
        using var session = Read();
        using var command = session.Command("SELECT name, endpoint, region, path_style, ca_bundle, access_key_id, created_ms, secret FROM remotes WHERE name = $n")
            .With("$n", name);
        using var r = command.ExecuteReader();
        if (!r.Read()) throw S3Fail.Exception(StrataError.NoSuchEntity, $"There is no remote named '{name}' (see `strata admin remote list`).");
        return (ReadRemote(r), Encoding.UTF8.GetString(Secrets.Open((byte[])r.GetValue(7))));
    }

    /// <summary>Removes a remote; NoSuchEntity when unknown. Rules that name it fail to send until it is added again.</summary>
    public Task RemoveRemoteAsync(string name) =>
        _committer.WriteAsync(tx =>
        {
            using var delete = tx.Command("DELETE FROM remotes WHERE name = $n").With("$n", name);
            if (delete.ExecuteNonQuery() == 0) throw S3Fail.Exception(StrataError.NoSuchEntity, $"There is no remote named '{name}'.");
            return true;
        });

    private static RemoteTarget ReadRemote(Microsoft.Data.Sqlite.SqliteDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3) != 0,
        r.IsDBNull(4) ? null : r.GetString(4), r.GetString(5), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)));
}

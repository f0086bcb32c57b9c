using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Metadata;

namespace Strata.Engine.Identities;

/// <summary>
/// An account besides the server's own: its name, 12-digit account id (in ARNs and x-amz-expected-bucket-owner),
/// 64-hex canonical user id (in Owner elements and ACL grants), and its root user's access key id.
/// </summary>
public sealed record AccountInfo(string Name, string AccountId, string CanonicalId, string AccessKeyId, DateTimeOffset Created);

/// <summary>What request authentication needs of an account: who it is and its root key's secret.</summary>
public sealed record AccountKey(AccountInfo Account, string Secret);

/// <summary>Accounts other than the server's own, each with one root key whose secret is sealed by <see cref="SecretBox"/>.</summary>
internal static class AccountWrites
{
    private const string KeyAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private const string SecretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>A new account with a fresh root key; <paramref name="reservedAccountId"/> (the server's own) is never given out.</summary>
    public static (AccountInfo Account, string Secret) Create(WriteTransaction tx, SecretBox box, string name, string reservedAccountId, DateTimeOffset now)
    {
        using (var exists = tx.Command("SELECT 1 FROM accounts WHERE name = $n").With("$n", name))
        {
            if (exists.ExecuteScalar() is not null) S3Fail.With(StrataError.EntityAlreadyExists, $"Account {name} already exists.");
        }
        string accountId;
        do accountId = IdentityWrites.RandomText(12, "0123456789");
        while (accountId == reservedAccountId || Taken(tx, accountId));
        var canonicalId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var keyId = "SK" + IdentityWrites.RandomText(18, KeyAlphabet);
        var secret = IdentityWrites.RandomText(40, SecretAlphabet);
        using var insert = tx.Command("""
            INSERT INTO accounts(name, account_id, canonical_id, created_ms, access_key_id, secret) VALUES($n, $a, $c, $t, $k, $s)
            """).With("$n", name).With("$a", accountId).With("$c", canonicalId).With("$t", now.ToUnixTimeMilliseconds())
            .With("$k", keyId).With("$s", box.Seal(Encoding.UTF8.GetBytes(secret)));
        insert.ExecuteNonQuery();
        return (new AccountInfo(name, accountId, canonicalId, keyId, now), secret);
    }

    private static bool Taken(WriteTransaction tx, string accountId)
    {
        using var taken = tx.Command("SELECT 1 FROM accounts WHERE account_id = $a").With("$a", accountId);
        return taken.ExecuteScalar() is not null;
    }

    /// <summary>Removes an account and its key; refused (DeleteConflict) while it owns a bucket, which would be left without an owner.</summary>
    public static bool Delete(WriteTransaction tx, string name)
    {
        string accountId;
        using (var find = tx.Command("SELECT account_id FROM accounts WHERE name = $n").With("$n", name))
        {
            accountId = find.ExecuteScalar() as string ?? throw S3Fail.Exception(StrataError.NoSuchEntity, $"The account with name {name} cannot be found.");
        }
        var owned = new List<string>();
        using (var buckets = tx.Command("SELECT name FROM buckets WHERE owner = $a ORDER BY name LIMIT 4").With("$a", accountId))
        using (var r = buckets.ExecuteReader())
        {
            while (r.Read()) owned.Add(r.GetString(0));
        }
        if (owned.Count > 0)
        {
            S3Fail.With(StrataError.DeleteConflict,
                $"Account {name} still owns buckets ({string.Join(", ", owned.Take(3))}{(owned.Count > 3 ? ", ..." : "")}): delete them first.");
        }
        using var delete = tx.Command("DELETE FROM accounts WHERE name = $n").With("$n", name);
        delete.ExecuteNonQuery();
        return true;
    }
}

internal static class AccountReads
{
    private const string Columns = "name, account_id, canonical_id, access_key_id, created_ms";

    public static List<AccountInfo> List(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM accounts ORDER BY name";
        var accounts = new List<AccountInfo>();
        using var r = command.ExecuteReader();
        while (r.Read()) accounts.Add(Read(r));
        return accounts;
    }

    public static List<AccountKey> Keys(SqliteConnection connection, SecretBox box)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns}, secret FROM accounts";
        var keys = new List<AccountKey>();
        using var r = command.ExecuteReader();
        while (r.Read()) keys.Add(new AccountKey(Read(r), Encoding.UTF8.GetString(box.Open((byte[])r.GetValue(5)))));
        return keys;
    }

    private static AccountInfo Read(SqliteDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(4)));
}

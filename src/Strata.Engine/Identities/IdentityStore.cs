using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Metadata;

namespace Strata.Engine.Identities;

public sealed record UserInfo(string Name, DateTimeOffset Created);

public sealed record AccessKeyInfo(string AccessKeyId, string UserName, bool Active, DateTimeOffset Created);

public sealed record MfaDeviceInfo(string Serial, DateTimeOffset Created);

/// <summary>What checking a device's codes needs: its TOTP seed and how many 30 s steps its clock runs ahead (negative: behind).</summary>
public sealed record MfaSeed(byte[] Secret, int DriftSteps);

/// <summary>Everything request authorization needs, loaded at once: active keys with their secrets, and user policies.</summary>
public sealed record IdentitySnapshot(
    IReadOnlyDictionary<string, (string UserName, string Secret)> ActiveKeys,
    IReadOnlyDictionary<string, IReadOnlyList<(string Name, string Document)>> UserPolicies);

/// <summary>Users, their access keys (secrets sealed by <see cref="SecretBox"/>), their policies, and bucket policies.</summary>
internal static class IdentityWrites
{
    public static UserInfo CreateUser(WriteTransaction tx, string name, DateTimeOffset now)
    {
        using (var exists = tx.Command("SELECT 1 FROM users WHERE name = $n").With("$n", name))
        {
            if (exists.ExecuteScalar() is not null) S3Fail.With(StrataError.EntityAlreadyExists, $"User {name} already exists.");
        }
        using var insert = tx.Command("INSERT INTO users(name, created_ms) VALUES($n, $t)").With("$n", name).With("$t", now.ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
        return new UserInfo(name, now);
    }

    private static void RequireUser(WriteTransaction tx, string name)
    {
        using var exists = tx.Command("SELECT 1 FROM users WHERE name = $n").With("$n", name);
        if (exists.ExecuteScalar() is null) S3Fail.With(StrataError.NoSuchEntity, $"The user with name {name} cannot be found.");
    }

    /// <summary>Removes a user with its keys and policies: its keys stop working with the commit.</summary>
    public static bool DeleteUser(WriteTransaction tx, string name)
    {
        RequireUser(tx, name);
        using var delete = tx.Command("""
            DELETE FROM access_keys WHERE user_name = $n;
            DELETE FROM user_policies WHERE user_name = $n;
            DELETE FROM users WHERE name = $n;
            """).With("$n", name);
        delete.ExecuteNonQuery();
        return true;
    }

    public static (AccessKeyInfo Key, string Secret) CreateAccessKey(WriteTransaction tx, SecretBox box, string userName, DateTimeOffset now)
    {
        RequireUser(tx, userName);
        var id = "SK" + RandomText(18, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        var secret = RandomText(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        using var insert = tx.Command("INSERT INTO access_keys(access_key_id, user_name, secret, active, created_ms) VALUES($id, $u, $s, 1, $t)")
            .With("$id", id).With("$u", userName).With("$s", box.Seal(Encoding.UTF8.GetBytes(secret))).With("$t", now.ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
        return (new AccessKeyInfo(id, userName, true, now), secret);
    }

    public static bool SetAccessKeyActive(WriteTransaction tx, string accessKeyId, bool active)
    {
        using var update = tx.Command("UPDATE access_keys SET active = $a WHERE access_key_id = $id").With("$a", active ? 1 : 0).With("$id", accessKeyId);
        if (update.ExecuteNonQuery() == 0) S3Fail.With(StrataError.NoSuchEntity, $"The Access Key with id {accessKeyId} cannot be found.");
        return true;
    }

    public static bool DeleteAccessKey(WriteTransaction tx, string accessKeyId)
    {
        using var delete = tx.Command("DELETE FROM access_keys WHERE access_key_id = $id").With("$id", accessKeyId);
        if (delete.ExecuteNonQuery() == 0) S3Fail.With(StrataError.NoSuchEntity, $"The Access Key with id {accessKeyId} cannot be found.");
        return true;
    }

    public static bool PutUserPolicy(WriteTransaction tx, string userName, string policyName, string document)
    {
        RequireUser(tx, userName);
        using var upsert = tx.Command("INSERT INTO user_policies(user_name, policy_name, document) VALUES($u, $p, $d) ON CONFLICT DO UPDATE SET document = excluded.document")
            .With("$u", userName).With("$p", policyName).With("$d", document);
        upsert.ExecuteNonQuery();
        return true;
    }

    public static bool DeleteUserPolicy(WriteTransaction tx, string userName, string policyName)
    {
        using var delete = tx.Command("DELETE FROM user_policies WHERE user_name = $u AND policy_name = $p").With("$u", userName).With("$p", policyName);
        if (delete.ExecuteNonQuery() == 0) S3Fail.With(StrataError.NoSuchEntity, $"The user policy with name {policyName} cannot be found.");
        return true;
    }

    public static bool PutBucketPolicy(WriteTransaction tx, BucketName bucket, string? document)
    {
        var (id, _) = Objects.StackWrites.Bucket(tx, bucket);
        using var command = document is null
            ? tx.Command("DELETE FROM bucket_policies WHERE bucket_id = $b").With("$b", id)
            : tx.Command("INSERT INTO bucket_policies(bucket_id, document) VALUES($b, $d) ON CONFLICT DO UPDATE SET document = excluded.document").With("$b", id).With("$d", document);
        command.ExecuteNonQuery();
        return true;
    }

    /// <summary>Records that <paramref name="step"/> was used; false when it (or a later step) already was.</summary>
    public static bool UseMfaStep(WriteTransaction tx, string serial, long step)
    {
        using var update = tx.Command("UPDATE mfa_devices SET last_step = $t WHERE serial = $s AND last_step < $t").With("$s", serial).With("$t", step);
        return update.ExecuteNonQuery() == 1;
    }

    /// <summary>Removes the device if <paramref name="step"/> (the code that authorizes it) is newer than any used; false otherwise.</summary>
    public static bool DeactivateMfaDevice(WriteTransaction tx, string serial, long step)
    {
        using var delete = tx.Command("DELETE FROM mfa_devices WHERE serial = $s AND last_step < $t").With("$s", serial).With("$t", step);
        return delete.ExecuteNonQuery() == 1;
    }

    /// <summary>
    /// Records a resync: the device's clock offset and its second code's step as used, if the first code's step
    /// is newer than any used (so a captured resync cannot be replayed to reopen used codes); false otherwise.
    /// </summary>
    public static bool ResyncMfaDevice(WriteTransaction tx, string serial, long firstStep, int driftSteps)
    {
        using var update = tx.Command("UPDATE mfa_devices SET last_step = $t + 1, drift_steps = $d WHERE serial = $s AND last_step < $t")
            .With("$s", serial).With("$t", firstStep).With("$d", driftSteps);
        return update.ExecuteNonQuery() == 1;
    }

    /// <summary>Removes every MFA device (the offline break-glass reset) and returns what was removed.</summary>
    public static List<MfaDeviceInfo> RemoveMfaDevices(WriteTransaction tx)
    {
        var removed = new List<MfaDeviceInfo>();
        using (var select = tx.Command("SELECT serial, created_ms FROM mfa_devices ORDER BY serial"))
        {
            using var r = select.ExecuteReader();
            while (r.Read()) removed.Add(new MfaDeviceInfo(r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))));
        }
        using var delete = tx.Command("DELETE FROM mfa_devices");
        delete.ExecuteNonQuery();
        return removed;
    }

    public static bool CreateMfaDevice(WriteTransaction tx, SecretBox box, string serial, byte[] secret, DateTimeOffset now)
    {
        using (var exists = tx.Command("SELECT 1 FROM mfa_devices WHERE serial = $s").With("$s", serial))
        {
            if (exists.ExecuteScalar() is not null) S3Fail.With(StrataError.EntityAlreadyExists, $"MFA device {serial} already exists.");
        }
        using var insert = tx.Command("INSERT INTO mfa_devices(serial, secret, created_ms) VALUES($s, $k, $t)")
            .With("$s", serial).With("$k", box.Seal(secret)).With("$t", now.ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
        return true;
    }

    internal static string RandomText(int length, string alphabet) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
        });
}

internal static class IdentityReads
{
    public static List<UserInfo> Users(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, created_ms FROM users ORDER BY name";
        var users = new List<UserInfo>();
        using var r = command.ExecuteReader();
        while (r.Read()) users.Add(new UserInfo(r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))));
        return users;
    }

    public static List<AccessKeyInfo> AccessKeys(SqliteConnection connection, string? userName)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT access_key_id, user_name, active, created_ms FROM access_keys WHERE $u IS NULL OR user_name = $u ORDER BY user_name, created_ms";
        command.With("$u", userName);
        var keys = new List<AccessKeyInfo>();
        using var r = command.ExecuteReader();
        while (r.Read()) keys.Add(new AccessKeyInfo(r.GetString(0), r.GetString(1), r.GetInt64(2) != 0, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))));
        return keys;
    }

    public static List<(string Name, string Document)> UserPolicies(SqliteConnection connection, string userName)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT policy_name, document FROM user_policies WHERE user_name = $u ORDER BY policy_name";
        command.With("$u", userName);
        var policies = new List<(string, string)>();
        using var r = command.ExecuteReader();
        while (r.Read()) policies.Add((r.GetString(0), r.GetString(1)));
        return policies;
    }

    public static IdentitySnapshot Snapshot(SqliteConnection connection, SecretBox box)
    {
        var keys = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT access_key_id, user_name, secret FROM access_keys WHERE active = 1";
            using var r = command.ExecuteReader();
            while (r.Read()) keys[r.GetString(0)] = (r.GetString(1), Encoding.UTF8.GetString(box.Open((byte[])r.GetValue(2))));
        }
        var policies = new Dictionary<string, IReadOnlyList<(string, string)>>(StringComparer.Ordinal);
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT user_name, policy_name, document FROM user_policies ORDER BY user_name, policy_name";
            using var r = command.ExecuteReader();
            while (r.Read())
            {
                var user = r.GetString(0);
                if (!policies.TryGetValue(user, out var list)) policies[user] = list = new List<(string, string)>();
                ((List<(string, string)>)list).Add((r.GetString(1), r.GetString(2)));
            }
        }
        return new IdentitySnapshot(keys, policies);
    }

    public static Dictionary<string, MfaSeed> MfaSeeds(SqliteConnection connection, SecretBox box)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT serial, secret, drift_steps FROM mfa_devices";
        var devices = new Dictionary<string, MfaSeed>(StringComparer.Ordinal);
        using var r = command.ExecuteReader();
        while (r.Read()) devices[r.GetString(0)] = new MfaSeed(box.Open((byte[])r.GetValue(1)), r.GetInt32(2));
        return devices;
    }

    public static List<MfaDeviceInfo> MfaDevices(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT serial, created_ms FROM mfa_devices ORDER BY serial";
        var devices = new List<MfaDeviceInfo>();
        using var r = command.ExecuteReader();
        while (r.Read()) devices.Add(new MfaDeviceInfo(r.GetString(0), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1))));
        return devices;
    }

    public static string? BucketPolicy(SqliteConnection connection, long bucketId)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT document FROM bucket_policies WHERE bucket_id = $b";
        command.With("$b", bucketId);
        return command.ExecuteScalar() as string;
    }
}

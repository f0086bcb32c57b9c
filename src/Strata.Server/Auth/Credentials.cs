using Strata.Engine.Identities;

namespace Strata.Server.Auth;

/// <summary>An access key pair. The secret is never logged or printed after first creation.</summary>
public sealed record AccessKey(string AccessKeyId, string SecretAccessKey);

/// <summary>
/// An account: the 12-digit id that ARNs, bucket policies and x-amz-expected-bucket-owner name, and the canonical
/// user id and display name that Owner elements (and ACL grants) show.
/// </summary>
public sealed record Account(string AccountId, string CanonicalId, string DisplayName)
{
    public string RootArn => $"arn:aws:iam::{AccountId}:root";
}

/// <summary>Who sent a request: an account's root user, a user (by name), or nobody (anonymous); and of which account.</summary>
public sealed record Principal(PrincipalKind Kind, string? UserName, string? Arn, Account? Account = null)
{
    public static readonly Principal Anonymous = new(PrincipalKind.Anonymous, null, null);
}

public enum PrincipalKind
{
    Anonymous,
    Root,
    User,
}

/// <summary>
/// The credentials the server accepts: the root user's of the server's own account (from STRATA_ROOT_ACCESS_KEY /
/// STRATA_ROOT_SECRET_KEY, or generated on first start and kept in the data directory, mode 0600), the active keys
/// of its users, and the root keys of the other accounts, from a snapshot of the engine's identities that is
/// replaced whenever they change.
/// </summary>
public sealed class Credentials(AccessKey root, string accountId, string? canonicalId = null, string displayName = "strata")
{
    /// <summary>The canonical user id of the server's own account when none is given: the one Strata has always shown.</summary>
    public static readonly string DefaultCanonicalId = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("strata-root"u8));

    /// <summary>Active keys, parsed user policies and other accounts, replaced together so no request sees one without the others.</summary>
    private sealed record Snapshot(
        IReadOnlyDictionary<string, (string UserName, string Secret)> ActiveKeys,
        IReadOnlyDictionary<string, IReadOnlyList<Core.Policies.PolicyDocument>> UserPolicies,
        IReadOnlyDictionary<string, (Account Account, string Secret)> AccountKeys,
        IReadOnlyDictionary<string, Account> Accounts);

    private volatile Snapshot _current = new(
        new Dictionary<string, (string, string)>(), new Dictionary<string, IReadOnlyList<Core.Policies.PolicyDocument>>(),
        new Dictionary<string, (Account, string)>(), new Dictionary<string, Account>());

    public AccessKey Root { get; } = root;

    /// <summary>The 12-digit account id in ARNs: arn:aws:iam::ACCOUNT:user/NAME.</summary>
    public string AccountId { get; } = accountId;

    /// <summary>The server's own account: its root user (<see cref="Root"/>) and its users belong to it.</summary>
    public Account Own { get; } = new(accountId, canonicalId ?? DefaultCanonicalId, displayName);

    public string RootArn => Own.RootArn;

    public string UserArn(string userName) => $"arn:aws:iam::{AccountId}:user/{userName}";

    /// <summary>Swaps in a fresh snapshot after users, keys, policies or accounts changed; policies are parsed once here.</summary>
    public void Reload(Engine.StorageEngine engine)
    {
        var snapshot = engine.LoadIdentities();
        var parsed = new Dictionary<string, IReadOnlyList<Core.Policies.PolicyDocument>>(StringComparer.Ordinal);
        foreach (var (user, documents) in snapshot.UserPolicies)
        {
            // Documents were validated when attached; parse them the same way again.
            parsed[user] = documents.Select(d => Core.Policies.PolicyDocument.Parse(d.Document, Core.Policies.PolicyKind.Identity)).ToList();
        }
        var accountKeys = new Dictionary<string, (Account, string)>(StringComparer.Ordinal);
        var accounts = new Dictionary<string, Account>(StringComparer.Ordinal);
        foreach (var key in engine.LoadAccountKeys())
        {
            var account = AccountOf(key.Account);
            accountKeys[key.Account.AccessKeyId] = (account, key.Secret);
            accounts[account.AccountId] = account;
        }
        _current = new Snapshot(snapshot.ActiveKeys, parsed, accountKeys, accounts);
    }

    /// <summary>Another account as requests and Owner elements show it: its name is its display name.</summary>
    public static Account AccountOf(AccountInfo info) => new(info.AccountId, info.CanonicalId, info.Name);

    /// <summary>The account that owns a bucket: <paramref name="ownerAccountId"/> as stored with it, null for the server's own.</summary>
    public Account OwnerAccount(string? ownerAccountId) =>
        ownerAccountId is null ? Own
        : _current.Accounts.TryGetValue(ownerAccountId, out var account) ? account
        : new Account(ownerAccountId, ownerAccountId, ownerAccountId); // not reached: an account that owns a bucket cannot be deleted

    /// <summary>The account with this canonical id (the server's own or another), or null.</summary>
    public Account? FindByCanonicalId(string canonicalId) =>
        canonicalId == Own.CanonicalId ? Own : _current.Accounts.Values.FirstOrDefault(a => a.CanonicalId == canonicalId);

    public IReadOnlyList<Core.Policies.PolicyDocument> UserPolicies(string userName) =>
        _current.UserPolicies.TryGetValue(userName, out var policies) ? policies : [];

    /// <summary>The secret of an active access key id, or null when the key is unknown or disabled.</summary>
    public string? FindSecret(string accessKeyId)
    {
        if (accessKeyId == Root.AccessKeyId) return Root.SecretAccessKey;
        var current = _current;
        return current.ActiveKeys.TryGetValue(accessKeyId, out var key) ? key.Secret
            : current.AccountKeys.TryGetValue(accessKeyId, out var account) ? account.Secret
            : null;
    }

    public Principal PrincipalOf(string accessKeyId)
    {
        if (accessKeyId == Root.AccessKeyId) return new Principal(PrincipalKind.Root, null, RootArn, Own);
        var current = _current;
        return current.ActiveKeys.TryGetValue(accessKeyId, out var key) ? new Principal(PrincipalKind.User, key.UserName, UserArn(key.UserName), Own)
            : current.AccountKeys.TryGetValue(accessKeyId, out var other) ? new Principal(PrincipalKind.Root, null, other.Account.RootArn, other.Account)
            : Principal.Anonymous;
    }
}

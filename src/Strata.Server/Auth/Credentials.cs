namespace Strata.Server.Auth;

/// <summary>An access key pair. The secret is never logged or printed after first creation.</summary>
public sealed record AccessKey(string AccessKeyId, string SecretAccessKey);

/// <summary>Who sent a request: the root user, a user (by name), or nobody (anonymous).</summary>
public sealed record Principal(PrincipalKind Kind, string? UserName, string? Arn)
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
/// The credentials the server accepts: the root user's (from STRATA_ROOT_ACCESS_KEY / STRATA_ROOT_SECRET_KEY,
/// or generated on first start and kept in the data directory, mode 0600) and the active keys of users,
/// from a snapshot of the engine's identities that is replaced whenever they change.
/// </summary>
public sealed class Credentials(AccessKey root, string accountId)
{
    /// <summary>Active keys and parsed user policies, replaced together so no request sees one without the other.</summary>
    private sealed record Snapshot(
        IReadOnlyDictionary<string, (string UserName, string Secret)> ActiveKeys,
        IReadOnlyDictionary<string, IReadOnlyList<Core.Policies.PolicyDocument>> UserPolicies);

    private volatile Snapshot _current = new(
        new Dictionary<string, (string, string)>(), new Dictionary<string, IReadOnlyList<Core.Policies.PolicyDocument>>());

    public AccessKey Root { get; } = root;

    /// <summary>The 12-digit account id in ARNs: arn:aws:iam::ACCOUNT:user/NAME.</summary>
    public string AccountId { get; } = accountId;

    public string RootArn => $"arn:aws:iam::{AccountId}:root";

    public string UserArn(string userName) => $"arn:aws:iam::{AccountId}:user/{userName}";

    /// <summary>Swaps in a fresh snapshot after users, keys or policies changed; policies are parsed once here.</summary>
    public void Reload(Engine.StorageEngine engine)
    {
        var snapshot = engine.LoadIdentities();
        var parsed = new Dictionary<string, IReadOnlyList<Core.Policies.PolicyDocument>>(StringComparer.Ordinal);
        foreach (var (user, documents) in snapshot.UserPolicies)
        {
            // Documents were validated when attached; parse them the same way again.
            parsed[user] = documents.Select(d => Core.Policies.PolicyDocument.Parse(d.Document, Core.Policies.PolicyKind.Identity)).ToList();
        }
        _current = new Snapshot(snapshot.ActiveKeys, parsed);
    }

    public IReadOnlyList<Core.Policies.PolicyDocument> UserPolicies(string userName) =>
        _current.UserPolicies.TryGetValue(userName, out var policies) ? policies : [];

    /// <summary>The secret of an active access key id, or null when the key is unknown or disabled.</summary>
    public string? FindSecret(string accessKeyId) =>
        accessKeyId == Root.AccessKeyId ? Root.SecretAccessKey
        : _current.ActiveKeys.TryGetValue(accessKeyId, out var key) ? key.Secret : null;

    public Principal PrincipalOf(string accessKeyId) =>
        accessKeyId == Root.AccessKeyId ? new Principal(PrincipalKind.Root, null, RootArn)
        : _current.ActiveKeys.TryGetValue(accessKeyId, out var key) ? new Principal(PrincipalKind.User, key.UserName, UserArn(key.UserName))
        : Principal.Anonymous;
}

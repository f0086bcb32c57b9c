using Strata.Engine.Identities;

namespace Strata.Engine;

/// <summary>Accounts besides the server's own, each with its root key.</summary>
public sealed partial class StorageEngine
{
    /// <summary>A new account and its root key; the secret is returned this once and stored sealed.</summary>
    public Task<(AccountInfo Account, string Secret)> CreateAccountAsync(string name, string reservedAccountId)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx => AccountWrites.Create(tx, Secrets, name, reservedAccountId, now));
    }

    /// <summary>Removes an account; NoSuchEntity, or DeleteConflict while it owns a bucket.</summary>
    public Task DeleteAccountAsync(string name) => _committer.WriteAsync(tx => AccountWrites.Delete(tx, name));

    public List<AccountInfo> ListAccounts()
    {
        using var session = Read();
        return AccountReads.List(session.Connection);
    }

    /// <summary>Every account with its root key's secret, for request authentication.</summary>
    public List<AccountKey> LoadAccountKeys()
    {
        using var session = Read();
        return AccountReads.Keys(session.Connection, Secrets);
    }
}

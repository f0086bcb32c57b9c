using Strata.Core;
using Strata.Engine.Buckets;
using Strata.Engine.Identities;

namespace Strata.Engine;

/// <summary>Users, access keys, user policies and bucket policies.</summary>
public sealed partial class StorageEngine
{
    public Task<UserInfo> CreateUserAsync(string name)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx => IdentityWrites.CreateUser(tx, name, now));
    }

    public Task DeleteUserAsync(string name) => _committer.WriteAsync(tx => IdentityWrites.DeleteUser(tx, name));

    public List<UserInfo> ListUsers()
    {
        using var session = Read();
        return IdentityReads.Users(session.Connection);
    }

    /// <summary>A new access key for the user; the secret is returned this once and stored sealed.</summary>
    public Task<(AccessKeyInfo Key, string Secret)> CreateAccessKeyAsync(string userName)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx => IdentityWrites.CreateAccessKey(tx, Secrets, userName, now));
    }

    public Task SetAccessKeyActiveAsync(string accessKeyId, bool active) => _committer.WriteAsync(tx => IdentityWrites.SetAccessKeyActive(tx, accessKeyId, active));

    public Task DeleteAccessKeyAsync(string accessKeyId) => _committer.WriteAsync(tx => IdentityWrites.DeleteAccessKey(tx, accessKeyId));

    public List<AccessKeyInfo> ListAccessKeys(string? userName)
    {
        using var session = Read();
        return IdentityReads.AccessKeys(session.Connection, userName);
    }

    public Task PutUserPolicyAsync(string userName, string policyName, string document) =>
        _committer.WriteAsync(tx => IdentityWrites.PutUserPolicy(tx, userName, policyName, document));

    public Task DeleteUserPolicyAsync(string userName, string policyName) => _committer.WriteAsync(tx => IdentityWrites.DeleteUserPolicy(tx, userName, policyName));

    public List<(string Name, string Document)> ListUserPolicies(string userName)
    {
        using var session = Read();
        return IdentityReads.UserPolicies(session.Connection, userName);
    }

    public IdentitySnapshot LoadIdentities()
    {
        using var session = Read();
        return IdentityReads.Snapshot(session.Connection, Secrets);
    }

    /// <summary>Registers a virtual MFA device's TOTP seed (stored sealed); EntityAlreadyExists if the serial is taken.</summary>
    public Task CreateMfaDeviceAsync(string serial, byte[] secret)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx => IdentityWrites.CreateMfaDevice(tx, Secrets, serial, secret, now));
    }

    /// <summary>
    /// Makes a TOTP time step of a device used, durably, before the request it authorizes runs: false when that
    /// step or a later one was used already (a replay, also after a restart).
    /// </summary>
    public Task<bool> UseMfaStepAsync(string serial, long step) => _committer.WriteAsync(tx => IdentityWrites.UseMfaStep(tx, serial, step));

    /// <summary>
    /// Removes a device, authorized by a code of <paramref name="step"/> that is used in the same transaction:
    /// false when that step or a later one was used already (nothing is removed then).
    /// </summary>
    public Task<bool> DeactivateMfaDeviceAsync(string serial, long step) => _committer.WriteAsync(tx => IdentityWrites.DeactivateMfaDevice(tx, serial, step));

    /// <summary>
    /// Records a device's clock offset from two consecutive codes (steps <paramref name="firstStep"/> and the next):
    /// false when the first step or a later one was used already.
    /// </summary>
    public Task<bool> ResyncMfaDeviceAsync(string serial, long firstStep, int driftSteps) =>
        _committer.WriteAsync(tx => IdentityWrites.ResyncMfaDevice(tx, serial, firstStep, driftSteps));

    /// <summary>The break-glass reset for a lost device (run offline, under the directory lock): removes every device.</summary>
    public Task<List<MfaDeviceInfo>> RemoveMfaDevicesAsync() => _committer.WriteAsync(IdentityWrites.RemoveMfaDevices);

    public List<MfaDeviceInfo> ListMfaDevices()
    {
        using var session = Read();
        return IdentityReads.MfaDevices(session.Connection);
    }

    public Dictionary<string, MfaSeed> LoadMfaDevices()
    {
        using var session = Read();
        return IdentityReads.MfaSeeds(session.Connection, Secrets);
    }

    /// <summary>Sets (or with null removes) a bucket's policy.</summary>
    public Task PutBucketPolicyAsync(BucketName bucket, string? document) => _committer.WriteAsync(tx => IdentityWrites.PutBucketPolicy(tx, bucket, document));

    /// <summary>The bucket's policy document, or null; throws NoSuchBucket.</summary>
    public string? GetBucketPolicy(BucketName bucket)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        return IdentityReads.BucketPolicy(session.Connection, info.Id);
    }
}

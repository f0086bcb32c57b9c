namespace Strata.Core.ObjectLock;

/// <summary>
/// The rules of S3 Object Lock ("Locking objects with Object Lock", "Object Lock considerations") as pure
/// functions of the stored values and the time now. Each answers null when the request may go ahead, or the refusal.
/// </summary>
public static class ObjectLockRules
{
    public const string ProtectedMessage = "Access Denied because object protected by object lock.";
    public const string MissingConfiguration = "Bucket is missing Object Lock Configuration";
    public const string PastDate = "The retain until date must be in the future!";

    public sealed record Refusal(StrataError Error, string Message);

    /// <summary>
    /// May the version be removed for good (DELETE ?versionId, DeleteObjects with VersionId, lifecycle)? A legal hold
    /// refuses whatever the caller; an unexpired COMPLIANCE retention refuses everyone, the root user included; an
    /// unexpired GOVERNANCE retention yields only to <paramref name="bypassGovernance"/> (the header, and the caller
    /// allowed s3:BypassGovernanceRetention).
    /// </summary>
    public static Refusal? PermanentDelete(ObjectLockState state, bool bypassGovernance, DateTimeOffset now)
    {
        if (state.LegalHold == true) return Denied();
        if (state.Retention is { } r && r.RetainUntil > now && (r.Mode == ObjectLockMode.Compliance || !bypassGovernance)) return Denied();
        return null;
    }

    /// <summary>
    /// May a version's retention change from <paramref name="current"/> to <paramref name="requested"/> (null removes it)?
    /// Once the current date has passed anything goes. Before it, the same mode with a date no earlier is always allowed
    /// (extending); any other change (shortening, removing, changing the mode) only of GOVERNANCE with a bypass.
    /// </summary>
    public static Refusal? RetentionChange(ObjectRetention? current, ObjectRetention? requested, bool bypassGovernance, DateTimeOffset now)
    {
        if (requested is { } next && next.RetainUntil <= now) return new Refusal(StrataError.InvalidArgument, PastDate);
        if (current is not { } held || held.RetainUntil <= now) return null;
        if (requested is { } wanted && wanted.Mode == held.Mode && wanted.RetainUntil >= held.RetainUntil) return null;
        if (held.Mode == ObjectLockMode.Governance && bypassGovernance) return null;
        return Denied();
    }

    /// <summary>
    /// The lock a new version gets: the request's own retention and legal hold (the x-amz-object-lock-* headers), else
    /// the bucket's default retention from the upload time. Lock headers on a bucket without Object Lock are refused.
    /// </summary>
    public static (ObjectLockState State, Refusal? Refusal) ForNewVersion(ObjectLockConfiguration? bucket, ObjectLockState requested, DateTimeOffset now)
    {
        if (bucket is null) return requested.IsEmpty ? (ObjectLockState.None, null) : (ObjectLockState.None, new Refusal(StrataError.InvalidRequest, MissingConfiguration));
        if (requested.Retention is { } asked && asked.RetainUntil <= now) return (ObjectLockState.None, new Refusal(StrataError.InvalidArgument, PastDate));
        var retention = requested.Retention
            ?? (bucket.Rule is { } rule ? new ObjectRetention(rule.Mode, rule.RetainUntilFrom(now)) : null);
        return (new ObjectLockState(retention, requested.LegalHold), null);
    }

    private static Refusal Denied() => new(StrataError.AccessDenied, ProtectedMessage);
}

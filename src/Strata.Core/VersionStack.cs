namespace Strata.Core;

/// <summary>What a PUT (or copy, or multipart completion) does to a key's version stack.</summary>
/// <param name="NewVersion">The id of the version pushed on top.</param>
/// <param name="ReplacesNullVersion">S3: unversioned and Suspended buckets keep at most one "null" version, object or marker alike.</param>
public sealed record PutDecision(VersionId NewVersion, bool ReplacesNullVersion);

/// <summary>What a DELETE does to a key's version stack.</summary>
public abstract record DeleteDecision
{
    /// <summary>Enabled: a delete marker with a fresh id goes on top; nothing is removed.</summary>
    public sealed record AddMarker(VersionId Marker) : DeleteDecision;

    /// <summary>Suspended: a "null" delete marker goes on top, removing the previous null version.</summary>
    public sealed record AddNullMarker : DeleteDecision;

    /// <summary>Unversioned: the only (null) version is removed, if there is one.</summary>
    public sealed record RemoveNullVersion : DeleteDecision;

    /// <summary>DELETE ?versionId=: that version is removed for good.</summary>
    public sealed record RemoveVersion(VersionId Id) : DeleteDecision;

    /// <summary>The delete is refused and nothing changes.</summary>
    public sealed record Refuse(StrataError Error, string Message) : DeleteDecision;
}

/// <summary>What PutBucketVersioning does: the new state and MFA Delete setting, or a refusal.</summary>
public abstract record VersioningDecision
{
    public sealed record Apply(VersioningState State, MfaDeleteState MfaDelete) : VersioningDecision;

    public sealed record Refuse(StrataError Error, string Message) : VersioningDecision;
}

/// <summary>The rules of a key's version stack, as the Amazon S3 user guide states them.</summary>
public static class VersionStack
{
    public static PutDecision Put(VersioningState state) => state == VersioningState.Enabled
        ? new PutDecision(VersionId.NewId(), ReplacesNullVersion: false)
        : new PutDecision(VersionId.Null, ReplacesNullVersion: true);

    public const string MfaRequired = "Mfa Authentication must be used for this request";

    /// <param name="mfaVerified">The request carried a valid, fresh x-amz-mfa code of the root user's device, over HTTPS.</param>
    public static DeleteDecision Delete(VersioningState state, MfaDeleteState mfaDelete, VersionId? requested, bool mfaVerified)
    {
        if (requested is { } id)
        {
            // S3 MFA Delete: permanently deleting a version (a delete marker too) needs the root user's code.
            if (mfaDelete == MfaDeleteState.Enabled && !mfaVerified) return new DeleteDecision.Refuse(StrataError.AccessDenied, MfaRequired);
            return new DeleteDecision.RemoveVersion(id);
        }
        return state switch
        {
            VersioningState.Enabled => new DeleteDecision.AddMarker(VersionId.NewId()),
            VersioningState.Suspended => new DeleteDecision.AddNullMarker(),
            _ => new DeleteDecision.RemoveNullVersion(),
        };
    }

    /// <summary>
    /// PutBucketVersioning: enabling MfaDelete needs a valid code, and while MfaDelete is Enabled so does any
    /// change of the versioning configuration. Saying Disabled of an MfaDelete that is not Enabled changes
    /// nothing that needs a code (S3 accepts it without x-amz-mfa; ceph/s3-tests' versioning tests send it).
    /// </summary>
    public static VersioningDecision Configure(VersioningState state, MfaDeleteState mfaDelete, VersioningState? newState, MfaDeleteState? newMfaDelete, bool mfaVerified)
    {
        if ((newMfaDelete == MfaDeleteState.Enabled || mfaDelete == MfaDeleteState.Enabled) && !mfaVerified)
        {
            return new VersioningDecision.Refuse(StrataError.AccessDenied, MfaRequired);
        }
        var target = newState ?? state;
        if (!CanTransition(state, target)) return new VersioningDecision.Refuse(StrataError.IllegalVersioningConfigurationException, S3Fail.DefaultMessage(StrataError.IllegalVersioningConfigurationException));
        return new VersioningDecision.Apply(target, newMfaDelete ?? mfaDelete);
    }

    /// <summary>S3: a bucket never returns to unversioned once versioning was enabled.</summary>
    public static bool CanTransition(VersioningState from, VersioningState to) =>
        to != VersioningState.Unversioned || from == VersioningState.Unversioned;
}

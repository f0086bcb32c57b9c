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
}

/// <summary>The rules of a key's version stack, as the Amazon S3 user guide states them.</summary>
public static class VersionStack
{
    public static PutDecision Put(VersioningState state) => state == VersioningState.Enabled
        ? new PutDecision(VersionId.NewId(), ReplacesNullVersion: false)
        : new PutDecision(VersionId.Null, ReplacesNullVersion: true);

    public static DeleteDecision Delete(VersioningState state, VersionId? requested)
    {
        if (requested is { } id) return new DeleteDecision.RemoveVersion(id);
        return state switch
        {
            VersioningState.Enabled => new DeleteDecision.AddMarker(VersionId.NewId()),
            VersioningState.Suspended => new DeleteDecision.AddNullMarker(),
            _ => new DeleteDecision.RemoveNullVersion(),
        };
    }

    /// <summary>S3: a bucket never returns to unversioned once versioning was enabled.</summary>
    public static bool CanTransition(VersioningState from, VersioningState to) =>
        to != VersioningState.Unversioned || from == VersioningState.Unversioned;
}

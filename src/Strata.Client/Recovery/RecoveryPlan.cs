namespace Strata.Client.Recovery;

/// <summary>What a recovery will do (or did), counted while walking the history.</summary>
public sealed record RecoveryPlan
{
    /// <summary>Keys walked under the prefix.</summary>
    public long KeysScanned { get; init; }

    /// <summary>Keys already in the wanted state: nothing to do.</summary>
    public long KeysUnchanged { get; init; }

    /// <summary>Keys the command does not apply to (for undelete: not deleted, deleted before --since, or nothing left to bring back).</summary>
    public long KeysNotApplicable { get; init; }

    /// <summary>Server-side copies of a version on top of a key.</summary>
    public long Copies { get; init; }

    /// <summary>Bytes the copies move server-side.</summary>
    public long CopyBytes { get; init; }

    /// <summary>Delete markers to add (keys that did not exist at the point in time).</summary>
    public long MarkersToAdd { get; init; }

    /// <summary>Delete markers to remove (undelete --remove-markers).</summary>
    public long MarkersToRemove { get; init; }

    /// <summary>Versions to download (restore --to-dir).</summary>
    public long Downloads { get; init; }

    /// <summary>Bytes to download.</summary>
    public long DownloadBytes { get; init; }

    /// <summary>Keys refused (an unsafe file name for --to-dir, a version that cannot be restored); each is a failure.</summary>
    public long Refused { get; init; }

    /// <summary>Keys under a --to destination that are not in the snapshot; they are left alone.</summary>
    public long DestinationExtras { get; init; }

    /// <summary>Versions <c>strata mirror</c> copies to the other endpoint (read from the source, written to the destination).</summary>
    public long VersionsToMirror { get; init; }

    /// <summary>Bytes those copies move.</summary>
    public long MirrorBytes { get; init; }

    /// <summary>Delete markers <c>strata mirror</c> recreates on the destination.</summary>
    public long MarkersToMirror { get; init; }

    /// <summary>Versions and markers <c>strata mirror</c> found already at the destination (an earlier run copied them): skipped.</summary>
    public long AlreadyMirrored { get; init; }

    /// <summary>Every step that changes something.</summary>
    public long Changes => Copies + MarkersToAdd + MarkersToRemove + Downloads + VersionsToMirror + MarkersToMirror;

    /// <summary>Bytes moved in all.</summary>
    public long Bytes => CopyBytes + DownloadBytes + MirrorBytes;
}

/// <summary>Counts a plan while its steps stream past; a job fills one per pass.</summary>
public sealed class RecoveryTally
{
    private readonly RecoveryProgress? _progress;
    private RecoveryPlan _plan = new();

    /// <summary>A tally; with <paramref name="progress"/>, walked keys are also counted live.</summary>
    public RecoveryTally(RecoveryProgress? progress = null) => _progress = progress;

    /// <summary>The counts so far.</summary>
    public RecoveryPlan Plan => _plan;

    /// <summary>Counts one walked key.</summary>
    public void Scanned()
    {
        _plan = _plan with { KeysScanned = _plan.KeysScanned + 1 };
        _progress?.KeyScanned();
    }

    /// <summary>Counts a key already in the wanted state.</summary>
    public void Unchanged() => _plan = _plan with { KeysUnchanged = _plan.KeysUnchanged + 1 };

    /// <summary>Counts a key the command does not apply to.</summary>
    public void NotApplicable() => _plan = _plan with { KeysNotApplicable = _plan.KeysNotApplicable + 1 };

    /// <summary>Counts a destination key outside the snapshot.</summary>
    public void DestinationExtra() => _plan = _plan with { DestinationExtras = _plan.DestinationExtras + 1 };

    /// <summary>Counts versions found already mirrored for a key that needs nothing more.</summary>
    public void AlreadyMirrored(long versions) => _plan = _plan with { AlreadyMirrored = _plan.AlreadyMirrored + versions };

    /// <summary>Counts a step and returns it, so a job can write <c>yield return tally.Add(step)</c>.</summary>
    public RecoveryStep Add(RecoveryStep step)
    {
        _plan = step switch
        {
            RecoveryStep.CopyVersion c => _plan with { Copies = _plan.Copies + 1, CopyBytes = _plan.CopyBytes + c.Size },
            RecoveryStep.AddDeleteMarker => _plan with { MarkersToAdd = _plan.MarkersToAdd + 1 },
            RecoveryStep.RemoveDeleteMarker => _plan with { MarkersToRemove = _plan.MarkersToRemove + 1 },
            RecoveryStep.Download d => _plan with { Downloads = _plan.Downloads + 1, DownloadBytes = _plan.DownloadBytes + d.Size },
            RecoveryStep.Refuse => _plan with { Refused = _plan.Refused + 1 },
            Mirror.MirrorKey m => _plan with
            {
                VersionsToMirror = _plan.VersionsToMirror + m.Versions,
                MirrorBytes = _plan.MirrorBytes + m.Bytes,
                MarkersToMirror = _plan.MarkersToMirror + m.Markers,
                AlreadyMirrored = _plan.AlreadyMirrored + m.AlreadyThere,
            },
            _ => _plan,
        };
        return step;
    }
}

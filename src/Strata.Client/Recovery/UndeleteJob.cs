using System.Runtime.CompilerServices;
using Amazon.S3;
using Strata.Client.History;

namespace Strata.Client.Recovery;

/// <summary>
/// Brings back every key under a prefix whose latest version is a delete marker. By default the newest real
/// version is copied back on top (server-side, by version id): that needs no right to destroy versions and
/// keeps the whole history. With <see cref="RemoveMarkers"/> the markers above it are deleted instead.
/// </summary>
public sealed class UndeleteJob : RecoveryJob
{
    private readonly string _bucket;
    private readonly string _prefix;

    /// <summary>Undeletes under <paramref name="bucket"/>/<paramref name="prefix"/>.</summary>
    public UndeleteJob(IAmazonS3 s3, string bucket, string prefix, RecoveryOptions options) : base(s3, options)
    {
        _bucket = bucket;
        _prefix = prefix;
    }

    /// <summary>Only keys whose delete marker was created at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Delete the markers (s3:DeleteObjectVersion, MFA where MFA Delete is on) instead of copying.</summary>
    public bool RemoveMarkers { get; init; }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<RecoveryStep> StepsAsync(RecoveryTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var history in VersionWalker.WalkAsync(S3, _bucket, _prefix, Options.PageSize, cancellationToken))
        {
            tally.Scanned();
            var latest = history.Latest;
            var newest = history.NewestObject;
            if (!latest.IsDeleteMarker || Since is { } since && latest.LastModified < since || newest is null)
            {
                tally.NotApplicable();
                continue;
            }
            if (!RemoveMarkers)
            {
                yield return tally.Add(new RecoveryStep.CopyVersion(_bucket, history.Key, newest.VersionId, newest.Size, _bucket, history.Key));
                continue;
            }
            // Every marker above the newest version: removing only the top one would leave the next on top.
            foreach (var version in history.Versions)
            {
                if (!version.IsDeleteMarker) break;
                yield return tally.Add(new RecoveryStep.RemoveDeleteMarker(_bucket, history.Key, version.VersionId));
            }
        }
    }
}

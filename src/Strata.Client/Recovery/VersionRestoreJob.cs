using System.Runtime.CompilerServices;
using Amazon.S3;
using Strata.Client.History;

namespace Strata.Client.Recovery;

/// <summary>
/// Makes one version of one key the latest again with a server-side copy of it on top (content type and
/// metadata kept; UploadPartCopy above 5 GiB). Nothing is destroyed; the versions in between stay.
/// </summary>
public sealed class VersionRestoreJob : RecoveryJob
{
    private readonly string _bucket;
    private readonly string _key;
    private readonly string _versionId;

    /// <summary>Restores <paramref name="versionId"/> of <paramref name="bucket"/>/<paramref name="key"/>.</summary>
    public VersionRestoreJob(IAmazonS3 s3, string bucket, string key, string versionId, RecoveryOptions options) : base(s3, options)
    {
        _bucket = bucket;
        _key = key;
        _versionId = versionId;
    }

    /// <inheritdoc />
    protected override async IAsyncEnumerable<RecoveryStep> StepsAsync(RecoveryTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var history = await VersionWalker.FindAsync(S3, _bucket, _key, cancellationToken);
        if (history is null)
        {
            yield return tally.Add(new RecoveryStep.Refuse(_key, $"Key '{_key}' has no versions in bucket '{_bucket}'."));
            yield break;
        }
        tally.Scanned();
        ObjectVersionInfo? wanted = null;
        foreach (var version in history.Versions)
        {
            if (version.VersionId == _versionId) wanted = version;
        }
        if (wanted is null)
        {
            yield return tally.Add(new RecoveryStep.Refuse(_key, $"Key '{_key}' has no version '{_versionId}'; list its versions with `strata versions s3://{_bucket}/{_key}`."));
        }
        else if (wanted.IsDeleteMarker)
        {
            yield return tally.Add(new RecoveryStep.Refuse(_key, $"Version '{_versionId}' of '{_key}' is a delete marker and has no content; to bring the key back, use `strata undelete s3://{_bucket}/{_key}`."));
        }
        else if (history.Current is { } current && KeyHistory.SameContent(current, wanted))
        {
            tally.Unchanged(); // already the latest, or restored before: a copy would only add a duplicate version
        }
        else
        {
            yield return tally.Add(new RecoveryStep.CopyVersion(_bucket, _key, wanted.VersionId, wanted.Size, _bucket, _key));
        }
    }
}

using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client.Connection;
using Strata.Client.History;

namespace Strata.Client.Recovery;

/// <summary>
/// Restores every key under a prefix to the state at a point in time: for each key, the version that was
/// latest then (ListObjectVersions' order, newest first, with LastModified ≤ the time, or the source's time of a
/// copy made by <c>strata mirror</c>), or its absence.
/// Keys already in that state are skipped (same version id, else same ETag and size), so a second run does nothing.
/// </summary>
public sealed class PointInTimeRestoreJob : RecoveryJob
{
    private readonly S3Uri _source;
    private readonly DateTimeOffset _at;
    private readonly RestoreDestination _destination;

    /// <summary>Restores <paramref name="source"/> to its state at <paramref name="at"/>, into <paramref name="destination"/>.</summary>
    public PointInTimeRestoreJob(IAmazonS3 s3, S3Uri source, DateTimeOffset at, RestoreDestination destination, RecoveryOptions options) : base(s3, options)
    {
        _source = source;
        _at = at;
        _destination = destination;
    }

    /// <inheritdoc />
    protected override async Task CheckAsync(CancellationToken cancellationToken)
    {
        switch (_destination)
        {
            case RestoreDestination.InPlace:
                await RequireVersioningAsync(cancellationToken);
                break;
            case RestoreDestination.Bucket { Target: var target } when target.Overlaps(_source):
                throw new StrataClientException($"The destination {target} overlaps the source {_source}: the restore would read its own copies. Choose a prefix outside the source.");
        }
    }

    private async Task RequireVersioningAsync(CancellationToken cancellationToken)
    {
        GetBucketVersioningResponse versioning;
        try
        {
            versioning = await S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = _source.Bucket }, cancellationToken);
        }
        catch (AmazonServiceException e)
        {
            throw new StrataClientException(S3ErrorExplainer.Explain(e, "s3:GetBucketVersioning", $"arn:aws:s3:::{_source.Bucket}", _source.Bucket), e);
        }
        // Copying on top of an unversioned (or suspended) bucket would overwrite the only copy of today's data.
        if (versioning.VersioningConfig?.Status != VersionStatus.Enabled)
        {
            throw new StrataClientException($"Versioning is not enabled on bucket '{_source.Bucket}', so restoring in place would overwrite the current data without keeping it. Restore with --to s3://other-bucket/prefix or --to-dir DIR instead.");
        }
    }

    /// <inheritdoc />
    protected override IAsyncEnumerable<RecoveryStep> StepsAsync(RecoveryTally tally, CancellationToken cancellationToken) => _destination switch
    {
        RestoreDestination.InPlace => InPlaceAsync(tally, cancellationToken),
        RestoreDestination.Bucket bucket => ToBucketAsync(bucket.Target, tally, cancellationToken),
        RestoreDestination.Folder folder => ToFolderAsync(folder.Path, tally, cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(_destination)),
    };

    // The source's histories, each with the times a mirror kept where they decide the answer (SourceTimes).
    private async IAsyncEnumerable<KeyHistory> HistoriesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var history in VersionWalker.WalkAsync(S3, _source.Bucket, _source.Prefix, Options.PageSize, cancellationToken))
        {
            yield return await SourceTimes.ResolveAsync(S3, _source.Bucket, history, _at, cancellationToken);
        }
    }

    private async IAsyncEnumerable<RecoveryStep> InPlaceAsync(RecoveryTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var history in HistoriesAsync(cancellationToken))
        {
            tally.Scanned();
            var target = history.ContentAt(_at);
            var current = history.Current;
            if (target is null)
            {
                // Absent then: a delete marker hides today's version and keeps it recoverable.
                if (current is null) tally.Unchanged();
                else yield return tally.Add(new RecoveryStep.AddDeleteMarker(_source.Bucket, history.Key));
            }
            else if (current is not null && KeyHistory.SameContent(current, target))
            {
                tally.Unchanged();
            }
            else
            {
                yield return tally.Add(new RecoveryStep.CopyVersion(_source.Bucket, history.Key, target.VersionId, target.Size, _source.Bucket, history.Key));
            }
        }
    }

    private async IAsyncEnumerable<RecoveryStep> ToBucketAsync(S3Uri destination, RecoveryTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A merge of two listings in the same order (a common prefix keeps the order of the rest of the key):
        // the source's histories and the destination's current objects, so nothing is looked up key by key.
        await using var existing = DestinationAsync(destination, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var hasExisting = await existing.MoveNextAsync();
        // The next destination page is fetched before any copy past the current one is handed out, so this
        // run's own copies never show up in it as extras.
        await foreach (var history in HistoriesAsync(cancellationToken))
        {
            tally.Scanned();
            var relative = history.Key[_source.Prefix.Length..];
            S3Object? match = null;
            while (hasExisting)
            {
                var order = Utf8Order.Compare(existing.Current.Relative, relative);
                if (order > 0) break;
                if (order == 0) match = existing.Current.Object;
                else tally.DestinationExtra();
                hasExisting = await existing.MoveNextAsync();
                if (order == 0) break;
            }
            var target = history.ContentAt(_at);
            if (target is null)
            {
                if (match is null) tally.NotApplicable();
                else tally.DestinationExtra(); // in the destination but not in the snapshot: left alone
            }
            else if (match is not null && match.ETag == target.ETag && match.Size == target.Size)
            {
                tally.Unchanged();
            }
            else
            {
                yield return tally.Add(new RecoveryStep.CopyVersion(_source.Bucket, history.Key, target.VersionId, target.Size, destination.Bucket, destination.KeyFor(history.Key, _source.Prefix)));
            }
        }
        while (hasExisting)
        {
            tally.DestinationExtra();
            hasExisting = await existing.MoveNextAsync();
        }
    }

    private async IAsyncEnumerable<(string Relative, S3Object Object)> DestinationAsync(S3Uri destination, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = destination.Bucket, Prefix = destination.Prefix };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await S3.ListObjectsV2Async(request, cancellationToken);
            }
            catch (AmazonServiceException e)
            {
                throw new StrataClientException(S3ErrorExplainer.Explain(e, "s3:ListBucket", $"arn:aws:s3:::{destination.Bucket}", destination.Bucket), e);
            }
            foreach (var item in page.S3Objects ?? []) yield return (item.Key[destination.Prefix.Length..], item);
            if (page.IsTruncated != true || page.NextContinuationToken is null) break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async IAsyncEnumerable<RecoveryStep> ToFolderAsync(string folder, RecoveryTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var history in HistoriesAsync(cancellationToken))
        {
            tally.Scanned();
            var target = history.ContentAt(_at);
            // Absent then, or a "folder/" placeholder: no file to write. Files already in the folder are left alone.
            if (target is null || history.Key.EndsWith('/') && target.Size == 0)
            {
                tally.NotApplicable();
                continue;
            }
            var relative = history.Key[_source.Prefix.Length..];
            if (relative.Length == 0) relative = history.Key[(history.Key.LastIndexOf('/') + 1)..];
            if (!LocalPaths.TryResolve(folder, relative, out var path, out var reason))
            {
                yield return tally.Add(new RecoveryStep.Refuse(history.Key, $"Not downloaded: {reason}."));
                continue;
            }
            var file = new FileInfo(path);
            if (file.Exists && file.Length == target.Size && file.LastWriteTimeUtc == target.LastModified.UtcDateTime)
            {
                tally.Unchanged();
                continue;
            }
            yield return tally.Add(new RecoveryStep.Download(_source.Bucket, history.Key, target.VersionId, target.Size, target.LastModified, path));
        }
    }
}

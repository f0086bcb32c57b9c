using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client.Connection;
using Strata.Client.History;
using Strata.Client.Recovery;

namespace Strata.Client.Mirror;

/// <summary>
/// Copies a bucket or prefix to another endpoint over plain S3: each key's current version, or with
/// <see cref="MirrorOptions.WithHistory"/> its whole version stack, oldest first, delete markers included, so that
/// <c>strata versions</c> and <c>strata restore --at</c> answer on the destination as on the source.
/// Planned and run as the recovery commands are (<see cref="RecoveryJob"/>): a plan first, then the keys in
/// parallel, each key's items in order. What an earlier run copied is found by the source version id kept on the
/// copies, so a re-run after an interruption copies only what is missing and never makes a duplicate version.
/// </summary>
public sealed class MirrorJob : RecoveryJob
{
    private readonly IAmazonS3 _destination;
    private readonly S3Uri _from;
    private readonly S3Uri _to;
    private readonly MirrorOptions _mirror;
    private readonly VersionTransfer _transfer;

    /// <summary>Mirrors <paramref name="from"/> (read through <paramref name="source"/>) to <paramref name="to"/> (written through <paramref name="destination"/>).</summary>
    public MirrorJob(IAmazonS3 source, S3Uri from, IAmazonS3 destination, S3Uri to, MirrorOptions mirror, RecoveryOptions options) : base(source, options)
    {
        _destination = destination;
        _from = from;
        _to = to;
        _mirror = mirror;
        _transfer = new VersionTransfer(source, destination, mirror);
    }

    /// <inheritdoc />
    protected override async Task CheckAsync(CancellationToken cancellationToken)
    {
        if (_mirror.SameEndpoint && _to.Overlaps(_from))
        {
            throw new StrataClientException($"The destination {_to} overlaps the source {_from}: the mirror would copy its own copies. Choose another bucket or a prefix outside the source.");
        }
        GetBucketVersioningResponse versioning;
        try
        {
            versioning = await _destination.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = _to.Bucket }, cancellationToken);
        }
        catch (AmazonServiceException e) when (!_mirror.WithHistory && e.ErrorCode != "NoSuchBucket")
        {
            // The current versions need no versioning; a key without s3:GetBucketVersioning may still copy them.
            return;
        }
        catch (AmazonServiceException e)
        {
            throw new StrataClientException("Destination: " + S3ErrorExplainer.Explain(e, "s3:GetBucketVersioning", $"arn:aws:s3:::{_to.Bucket}", _to.Bucket), e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException)
        {
            // Explained here with the destination's address: the command line's --endpoint-url is the source's.
            var explained = await ConnectionFailure.ExplainAsync(e, _mirror.DestinationEndpoint, _mirror.DestinationCaBundle, cancellationToken) ?? S3ErrorExplainer.Explain(e);
            throw new StrataClientException("Destination: " + explained.Replace("--endpoint-url", "--dst-endpoint-url", StringComparison.Ordinal).Replace("--ca-bundle", "--dst-ca-bundle", StringComparison.Ordinal));
        }
        if (!_mirror.WithHistory) return;
        // Each PUT would replace the last one on an unversioned bucket: only the newest version would survive.
        if (versioning.VersioningConfig?.Status != VersionStatus.Enabled)
        {
            throw new StrataClientException($"Versioning is not enabled on the destination bucket '{_to.Bucket}', so --with-history cannot keep the versions: each copy would replace the last. "
                + "Turn it on there (aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled), or mirror without --with-history to copy the current versions only.");
        }
    }

    /// <inheritdoc />
    protected override IAsyncEnumerable<RecoveryStep> StepsAsync(RecoveryTally tally, CancellationToken cancellationToken) =>
        _mirror.WithHistory ? HistoryStepsAsync(tally, cancellationToken) : CurrentStepsAsync(tally, cancellationToken);

    private async IAsyncEnumerable<RecoveryStep> HistoryStepsAsync(RecoveryTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // A merge of the two version listings in key order (a common prefix keeps the order of the rest of the key),
        // so nothing is looked up key by key. The destination's next page is read before any copy past it is handed out.
        await using var existing = DestinationWalk(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var destination = new DestinationCursor<KeyHistory>(existing, h => h.Key[_to.Prefix.Length..]);
        await foreach (var history in VersionWalker.WalkAsync(S3, _from.Bucket, _from.Prefix, Options.PageSize, cancellationToken))
        {
            tally.Scanned();
            var there = await destination.MatchAsync(history.Key[_from.Prefix.Length..]);
            var stack = OldestFirst(history);
            var done = there is null ? 0 : await AlreadyThereAsync(stack, there, cancellationToken);
            if (done == stack.Count)
            {
                tally.Unchanged();
                tally.AlreadyMirrored(done);
                continue;
            }
            yield return tally.Add(new MirrorKey(_from.Bucket, history.Key, _to.Bucket, _to.KeyFor(history.Key, _from.Prefix), stack[done..], done));
        }
    }

    // The destination's histories; a refusal says it came from the destination, not the source.
    private async IAsyncEnumerable<KeyHistory> DestinationWalk([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var walk = VersionWalker.WalkAsync(_destination, _to.Bucket, _to.Prefix, Options.PageSize, cancellationToken).GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await walk.MoveNextAsync();
            }
            catch (StrataClientException e)
            {
                throw new StrataClientException("Destination: " + e.Message, e.InnerException);
            }
            if (!more) yield break;
            yield return walk.Current;
        }
    }

    /// <summary>The source's versions and markers oldest first, each version knowing the marker that hid it.</summary>
    private static List<MirrorItem> OldestFirst(KeyHistory history)
    {
        var versions = history.Versions;
        var items = new List<MirrorItem>(versions.Count);
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            var version = versions[i];
            DateTimeOffset? deletedAt = !version.IsDeleteMarker && i > 0 && versions[i - 1].IsDeleteMarker ? versions[i - 1].LastModified : null;
            items.Add(new MirrorItem(version.VersionId, version.IsDeleteMarker ? 0 : version.Size, version.LastModified, version.IsDeleteMarker, deletedAt));
        }
        return items;
    }

    /// <summary>
    /// How many of <paramref name="stack"/>'s items (oldest first) an earlier run already wrote at the destination:
    /// the newest copy there that names its source version marks the place, and the markers above it are the
    /// source's markers that followed it (a marker carries no metadata, so it is counted, not named).
    /// </summary>
    private async Task<int> AlreadyThereAsync(List<MirrorItem> stack, KeyHistory there, CancellationToken cancellationToken)
    {
        var markersAbove = 0;
        string? anchor = null;
        DateTimeOffset? anchorTime = null;
        foreach (var version in there.Versions)
        {
            if (version.IsDeleteMarker)
            {
                markersAbove++;
                continue;
            }
            var head = await HeadDestinationAsync(there.Key, version.VersionId, cancellationToken);
            // A version written at the destination itself names no source: look further down.
            if (head.Metadata[MirrorMetadata.SourceVersionId] is { Length: > 0 } id)
            {
                anchor = id;
                anchorTime = MirrorMetadata.ParseTime(head.Metadata[MirrorMetadata.SourceLastModified]);
                break;
            }
        }
        var next = 0;
        if (anchor is not null)
        {
            var found = stack.FindIndex(item => !item.IsDeleteMarker && item.VersionId == anchor);
            // The copied version is gone from the source (deleted for good since): continue after its time.
            next = found >= 0 ? found + 1 : anchorTime is { } time ? Math.Max(0, stack.FindLastIndex(item => item.LastModified <= time) + 1) : 0;
        }
        while (markersAbove > 0 && next < stack.Count && stack[next].IsDeleteMarker)
        {
            next++;
            markersAbove--;
        }
        return next;
    }

    private async IAsyncEnumerable<RecoveryStep> CurrentStepsAsync(RecoveryTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var existing = DestinationObjectsAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        var destination = new DestinationCursor<S3Object>(existing, o => o.Key[_to.Prefix.Length..]);
        await foreach (var history in VersionWalker.WalkAsync(S3, _from.Bucket, _from.Prefix, Options.PageSize, cancellationToken))
        {
            tally.Scanned();
            var there = await destination.MatchAsync(history.Key[_from.Prefix.Length..]);
            if (history.Current is not { } current)
            {
                tally.NotApplicable(); // deleted on the source: the destination's copy, if any, is left alone
                continue;
            }
            // Same size first, so only a likely match costs a HEAD; the source version id decides.
            if (there is not null && there.Size == current.Size
                && (await HeadDestinationAsync(there.Key, null, cancellationToken)).Metadata[MirrorMetadata.SourceVersionId] == current.VersionId)
            {
                tally.Unchanged();
                tally.AlreadyMirrored(1);
                continue;
            }
            var item = new MirrorItem(current.VersionId, current.Size, current.LastModified, false, null);
            yield return tally.Add(new MirrorKey(_from.Bucket, history.Key, _to.Bucket, _to.KeyFor(history.Key, _from.Prefix), [item], 0));
        }
    }

    private async IAsyncEnumerable<S3Object> DestinationObjectsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = _to.Bucket, Prefix = _to.Prefix };
        while (true)
        {
            ListObjectsV2Response page;
            try
            {
                page = await _destination.ListObjectsV2Async(request, cancellationToken);
            }
            catch (AmazonServiceException e)
            {
                throw new StrataClientException("Destination: " + S3ErrorExplainer.Explain(e, "s3:ListBucket", $"arn:aws:s3:::{_to.Bucket}", _to.Bucket), e);
            }
            foreach (var item in page.S3Objects ?? []) yield return item;
            if (page.IsTruncated != true || page.NextContinuationToken is null) break;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    private async Task<GetObjectMetadataResponse> HeadDestinationAsync(string key, string? versionId, CancellationToken cancellationToken)
    {
        try
        {
            return await _destination.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _to.Bucket, Key = key, VersionId = versionId }, cancellationToken);
        }
        catch (AmazonServiceException e)
        {
            throw new StrataClientException("Destination: " + S3ErrorExplainer.Explain(e, "s3:GetObjectVersion", $"arn:aws:s3:::{_to.Bucket}/{key}", _to.Bucket), e);
        }
    }

    /// <inheritdoc />
    private protected override async Task ExecuteAsync(RecoveryStep step, StepExecutor executor, CancellationToken cancellationToken)
    {
        if (step is not MirrorKey key)
        {
            await executor.ExecuteAsync(step, cancellationToken);
            return;
        }
        var progress = executor.Progress;
        for (var i = 0; i < key.Items.Count; i++)
        {
            // An interruption stops between items: a PUT abandoned mid-way could still land after a re-run has
            // looked, and be copied twice. A multipart copy stops between parts and is aborted.
            cancellationToken.ThrowIfCancellationRequested();
            var item = key.Items[i];
            try
            {
                if (item.IsDeleteMarker) await _destination.DeleteObjectAsync(new DeleteObjectRequest { BucketName = key.DestinationBucket, Key = key.DestinationKey }, CancellationToken.None);
                else await _transfer.CopyAsync(key, item, cancellationToken);
                progress.Completed(item.Size);
            }
            catch (Exception e) when (e is AmazonServiceException or AmazonClientException or IOException or HttpRequestException
                or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // The versions above this one must not go on top of a gap: the key stops here, a re-run continues it.
                var what = item.IsDeleteMarker ? "delete marker" : $"version {item.VersionId}";
                executor.Fail(key, $"{what} (and the {key.Items.Count - i - 1} after it) not mirrored: {S3ErrorExplainer.Explain(e, key.Permission, $"arn:aws:s3:::{key.DestinationBucket}/{key.DestinationKey}", key.DestinationBucket)}");
                for (var left = i + 1; left < key.Items.Count; left++) progress.FailedOne();
                return;
            }
        }
    }

    /// <summary>
    /// The destination's listing walked beside the source's, both in key order (a merge, so nothing is looked up key by
    /// key): <see cref="MatchAsync"/> steps past the destination keys before <c>relative</c> and returns the one equal to it.
    /// </summary>
    private sealed class DestinationCursor<T>(IAsyncEnumerator<T> items, Func<T, string> relativeKey) where T : class
    {
        private bool? _has;

        public async ValueTask<T?> MatchAsync(string relative)
        {
            _has ??= await items.MoveNextAsync();
            T? there = null;
            while (_has == true)
            {
                var order = Utf8Order.Compare(relativeKey(items.Current), relative);
                if (order > 0) break;
                if (order == 0) there = items.Current;
                _has = await items.MoveNextAsync();
                if (order == 0) break;
            }
            return there;
        }
    }
}

using Strata.Core;
using Strata.Core.Lifecycle;
using Strata.Engine.Buckets;
using Strata.Engine.Lifecycle;
using Strata.Engine.Objects;

namespace Strata.Engine;

/// <summary>The figures of one lifecycle pass over a bucket.</summary>
/// <param name="Examined">Versions (delete markers included) the pass looked at.</param>
/// <param name="Removed">Versions and delete markers removed for good.</param>
/// <param name="MarkersAdded">Current versions expired on a versioned bucket: a delete marker put on top.</param>
/// <param name="Skipped">Removals the rules named but the pass left alone (an MFA Delete bucket whose rules were not MFA-authorized).</param>
public sealed record LifecyclePassReport(
    BucketName Bucket,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    long Examined,
    long Removed,
    long MarkersAdded,
    long UploadsAborted,
    long BytesFreed,
    long Skipped);

/// <summary>Lifecycle: the configuration's storage and the pass that applies it.</summary>
public sealed partial class StorageEngine
{
    /// <summary>Versions read per page of a pass; the page's removals are one committer transaction.</summary>
    internal const int LifecyclePageRows = 2000;

    /// <summary>
    /// Stores the bucket's lifecycle configuration with whether it was authorized with an MFA code. On a bucket with
    /// MFA Delete enabled the code is required (checked in the same transaction as the write): AccessDenied without it.
    /// </summary>
    public Task PutLifecycleConfigurationAsync(BucketName bucket, string document, bool mfaVerified) =>
        _committer.WriteAsync(tx =>
        {
            var (_, _, mfaDelete) = StackWrites.BucketSettings(tx, bucket);
            if (mfaDelete == MfaDeleteState.Enabled && !mfaVerified)
            {
                throw S3Fail.Exception(StrataError.AccessDenied,
                    "This bucket has MFA Delete enabled: setting its lifecycle configuration needs the root user's x-amz-mfa code, over HTTPS.");
            }
            BucketConfigs.Put(tx, bucket, BucketConfigKind.Lifecycle, document);
            BucketConfigs.Put(tx, bucket, BucketConfigKind.LifecycleMfa, mfaVerified ? "authorized" : null);
            return true;
        });

    public Task DeleteLifecycleConfigurationAsync(BucketName bucket) =>
        _committer.WriteAsync(tx =>
        {
            BucketConfigs.Put(tx, bucket, BucketConfigKind.Lifecycle, null);
            BucketConfigs.Put(tx, bucket, BucketConfigKind.LifecycleMfa, null);
            return true;
        });

    /// <summary>Every bucket that has a document of <paramref name="kind"/>, by name.</summary>
    public List<(BucketName Bucket, string Document)> ListBucketConfigs(string kind)
    {
        using var session = Read();
        using var command = session.Command("SELECT b.name, c.document FROM bucket_configs c JOIN buckets b ON b.id = c.bucket_id WHERE c.kind = $k ORDER BY b.name")
            .With("$k", kind);
        using var r = command.ExecuteReader();
        var found = new List<(BucketName, string)>();
        while (r.Read()) found.Add((BucketName.Parse(r.GetString(0)), r.GetString(1)));
        return found;
    }

    /// <summary>
    /// One lifecycle pass over a bucket at the engine's clock: the keys in pages, each decided by Core's
    /// <see cref="LifecycleDecision"/> and written in one committer transaction, so requests interleave between pages.
    /// With <paramref name="mayRemoveVersions"/> false no version or marker is removed for good (current versions still expire).
    /// </summary>
    public async Task<LifecyclePassReport> RunLifecyclePassAsync(BucketName bucket, LifecycleConfiguration configuration, bool mayRemoveVersions,
        CancellationToken cancellationToken)
    {
        var started = _time.GetUtcNow();
        var now = started;
        var bucketId = GetBucket(bucket).Id;
        long examined = 0;
        var totals = new PassCounts();
        var after = Array.Empty<byte>();
        var actions = new List<KeyAction>();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            StackPage page;
            using (var session = Read()) page = LifecycleReads.ReadPage(session, bucketId, after, LifecyclePageRows);
            if (page.Keys.Count == 0) break;
            examined += page.Versions;
            actions.Clear();
            for (var i = 0; i < page.Keys.Count; i++)
            {
                var stack = page.Stacks[i];
                var decision = LifecycleDecision.Decide(configuration, LifecycleReads.KeyText(page.Keys[i]), LifecycleReads.Entries(stack), now);
                if (decision.IsNothing) continue;
                var remove = new List<PassVersion>(decision.RemoveVersions.Count);
                foreach (var index in decision.RemoveVersions) remove.Add(stack[index]);
                actions.Add(new KeyAction(page.Keys[i], stack[0], decision.ExpireCurrent, remove, decision.RemoveMarker));
            }
            after = page.Keys[^1];
            if (actions.Count == 0) continue;
            var batch = actions.ToList();
            Add(ref totals, await _committer.WriteAsync(tx => LifecycleWrites.Apply(tx, Blobs, bucket, batch, mayRemoveVersions, now)));
        }
        if (configuration.AbortsUploads) Add(ref totals, await AbortUploadsAsync(bucket, bucketId, configuration, now, cancellationToken));
        return new LifecyclePassReport(bucket, started, _time.GetUtcNow(), examined, totals.Removed + totals.MarkersRemoved, totals.MarkersAdded,
            totals.UploadsAborted, totals.BytesFreed, totals.Skipped);
    }

    private async Task<PassCounts> AbortUploadsAsync(BucketName bucket, long bucketId, LifecycleConfiguration configuration, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var totals = new PassCounts();
        long after = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            List<(long Id, string UploadId, byte[] Key, DateTimeOffset Initiated)> uploads;
            using (var session = Read()) uploads = LifecycleReads.ReadUploads(session, bucketId, after, LifecyclePageRows);
            if (uploads.Count == 0) break;
            after = uploads[^1].Id;
            var due = new List<long>();
            foreach (var upload in uploads)
            {
                if (LifecycleDecision.AbortsUpload(configuration, LifecycleReads.KeyText(upload.Key), upload.Initiated, now)) due.Add(upload.Id);
            }
            if (due.Count > 0) Add(ref totals, await _committer.WriteAsync(tx => LifecycleWrites.AbortUploads(tx, Blobs, due)));
        }
        return totals;
    }

    private static void Add(ref PassCounts totals, PassCounts batch)
    {
        totals.Removed += batch.Removed;
        totals.MarkersAdded += batch.MarkersAdded;
        totals.MarkersRemoved += batch.MarkersRemoved;
        totals.UploadsAborted += batch.UploadsAborted;
        totals.BytesFreed += batch.BytesFreed;
        totals.Skipped += batch.Skipped;
    }
}

using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client.Mirror;

namespace Strata.Client.History;

/// <summary>
/// Reads the source times <c>strata mirror</c> kept on a copy (<see cref="MirrorMetadata"/>), so that "which version
/// was latest at T" on a mirror gives the source's answer. ListObjectVersions carries no metadata, so the times
/// come from HEAD requests, only where they can change the answer and only a few per key.
/// </summary>
public static class SourceTimes
{
    /// <summary>
    /// <paramref name="history"/> with <see cref="ObjectVersionInfo.SourceLastModified"/> filled in on the versions
    /// that decide <see cref="KeyHistory.LatestAt"/> for <paramref name="at"/>. No request when no version is newer than at.
    /// </summary>
    /// <remarks>
    /// A copy is made after its source version, so only versions with LastModified &gt; at can have an earlier
    /// source time. A key's times fall going down its stack (the mirror writes oldest first), so the newest version
    /// whose time is ≤ at is found by bisection: one HEAD for a key that was never mirrored, about log2(n) for one that was.
    /// A delete marker carries no metadata; its time rides on the version under it (<see cref="MirrorMetadata.SourceDeletedAt"/>).
    /// </remarks>
    /// <exception cref="StrataClientException">A HEAD was refused; the message names the permission.</exception>
    public static async Task<KeyHistory> ResolveAsync(IAmazonS3 s3, string bucket, KeyHistory history, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        var versions = history.Versions;
        var newer = 0;
        while (newer < versions.Count && versions[newer].LastModified > at) newer++;
        if (newer == 0) return history;
        var reader = new Reader(s3, bucket, history.Key, versions);
        // The oldest of the newer versions first: made here after at (the common case), then so are all above it.
        if (await reader.TimeAsync(newer - 1, cancellationToken) <= at)
        {
            int low = 0, high = newer - 1;
            while (low < high)
            {
                var middle = (low + high) / 2;
                if (await reader.TimeAsync(middle, cancellationToken) <= at) high = middle;
                else low = middle + 1;
            }
        }
        return new KeyHistory(history.Key, reader.Resolved);
    }

    private sealed class Reader(IAmazonS3 s3, string bucket, string key, IReadOnlyList<ObjectVersionInfo> versions)
    {
        private readonly Dictionary<int, (DateTimeOffset? Made, DateTimeOffset? DeletedAt)> _heads = [];

        public ObjectVersionInfo[] Resolved { get; } = [.. versions];

        public async Task<DateTimeOffset> TimeAsync(int index, CancellationToken cancellationToken)
        {
            var version = versions[index];
            DateTimeOffset? source;
            if (!version.IsDeleteMarker)
            {
                source = (await HeadAsync(index, cancellationToken)).Made;
            }
            else
            {
                // The marker's time is kept on the first real version under it (the one it hid on the source).
                var below = index + 1;
                while (below < versions.Count && versions[below].IsDeleteMarker) below++;
                source = below < versions.Count ? (await HeadAsync(below, cancellationToken)).DeletedAt : null;
            }
            // A source time later than the copy cannot be right (a clock skewed between the endpoints): keep LastModified.
            if (source is { } made && made <= version.LastModified) Resolved[index] = version with { SourceLastModified = made };
            return Resolved[index].Time;
        }

        private async Task<(DateTimeOffset? Made, DateTimeOffset? DeletedAt)> HeadAsync(int index, CancellationToken cancellationToken)
        {
            if (_heads.TryGetValue(index, out var known)) return known;
            GetObjectMetadataResponse head;
            try
            {
                head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = key, VersionId = versions[index].VersionId }, cancellationToken);
            }
            catch (AmazonServiceException e)
            {
                throw new StrataClientException(S3ErrorExplainer.Explain(e, "s3:GetObjectVersion", $"arn:aws:s3:::{bucket}/{key}", bucket), e);
            }
            return _heads[index] = (MirrorMetadata.ParseTime(head.Metadata[MirrorMetadata.SourceLastModified]), MirrorMetadata.ParseTime(head.Metadata[MirrorMetadata.SourceDeletedAt]));
        }
    }
}

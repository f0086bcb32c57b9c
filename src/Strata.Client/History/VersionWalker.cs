using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Client.History;

/// <summary>
/// Walks ListObjectVersions page by page and hands out one key's history at a time: the versions of a key
/// arrive together, newest first, so only the current key's stack is ever held, never the whole listing.
/// </summary>
public static class VersionWalker
{
    /// <summary>The histories of every key under <paramref name="prefix"/>, in key order.</summary>
    /// <param name="s3">The client.</param>
    /// <param name="bucket">The bucket.</param>
    /// <param name="prefix">The key prefix; empty for the whole bucket.</param>
    /// <param name="pageSize">Versions per ListObjectVersions page (S3 caps it at 1000).</param>
    /// <param name="cancellationToken">Stops the walk.</param>
    /// <exception cref="StrataClientException">The listing was refused (the message names the missing permission) or the bucket does not exist.</exception>
    public static async IAsyncEnumerable<KeyHistory> WalkAsync(IAmazonS3 s3, string bucket, string prefix, int pageSize = 1000,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new ListVersionsRequest { BucketName = bucket, Prefix = prefix, MaxKeys = pageSize };
        string? currentKey = null;
        var stack = new List<ObjectVersionInfo>();
        while (true)
        {
            ListVersionsResponse page;
            try
            {
                page = await s3.ListVersionsAsync(request, cancellationToken);
            }
            catch (AmazonServiceException e)
            {
                throw new StrataClientException(S3ErrorExplainer.Explain(e, "s3:ListBucketVersions", $"arn:aws:s3:::{bucket}", bucket), e);
            }
            foreach (var version in page.Versions ?? [])
            {
                if (currentKey is not null && version.Key != currentKey)
                {
                    yield return new KeyHistory(currentKey, stack);
                    stack = [];
                }
                currentKey = version.Key;
                stack.Add(ToInfo(version));
            }
            if (page.IsTruncated != true) break;
            if (page.NextKeyMarker is null) throw new StrataClientException($"The endpoint's ListObjectVersions page for bucket '{bucket}' is truncated but gives no NextKeyMarker to continue from.");
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
        if (currentKey is not null) yield return new KeyHistory(currentKey, stack);
    }

    /// <summary>The history of exactly <paramref name="key"/>, or null when it has no versions.</summary>
    public static async Task<KeyHistory?> FindAsync(IAmazonS3 s3, string bucket, string key, CancellationToken cancellationToken = default)
    {
        // The key itself sorts first among the keys it prefixes, so the walk can stop at the first key.
        await foreach (var history in WalkAsync(s3, bucket, key, 1000, cancellationToken))
        {
            return history.Key == key ? history : null;
        }
        return null;
    }

    internal static ObjectVersionInfo ToInfo(S3ObjectVersion version) => new(
        version.Key,
        version.VersionId ?? "null",
        ToUtc(version.LastModified),
        version.Size ?? 0,
        version.IsDeleteMarker == true ? null : version.ETag,
        version.IsLatest == true,
        version.IsDeleteMarker == true);

    internal static DateTimeOffset ToUtc(DateTime? time) => time switch
    {
        null => DateTimeOffset.MinValue,
        { Kind: DateTimeKind.Unspecified } t => new DateTimeOffset(t, TimeSpan.Zero),
        { } t => new DateTimeOffset(t.ToUniversalTime(), TimeSpan.Zero),
    };
}

using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Client.Mirror;

/// <summary>
/// Copies one source version to another endpoint: a GET streamed into a PUT (no server-side copy crosses
/// endpoints), or for a large body a multipart upload fed by one ranged GET per part (spooled through a temporary
/// file, as the SDK wants a seekable part), so no body is ever held in memory. Content type, the standard headers, user metadata and tags travel; the source's id and times are added.
/// </summary>
internal sealed class VersionTransfer(IAmazonS3 source, IAmazonS3 destination, MirrorOptions options)
{
    public async Task CopyAsync(MirrorKey key, MirrorItem item, CancellationToken cancellationToken)
    {
        if (item.Size > options.MultipartThreshold)
        {
            await CopyInPartsAsync(key, item, cancellationToken);
            return;
        }
        // Not cancelled once started (see MirrorJob): the body is at most MultipartThreshold.
        await CopyWholeAsync(key, item, CancellationToken.None);
    }

    private async Task CopyWholeAsync(MirrorKey key, MirrorItem item, CancellationToken cancellationToken)
    {
        using var get = await source.GetObjectAsync(new GetObjectRequest { BucketName = key.SourceBucket, Key = key.Key, VersionId = item.VersionId }, cancellationToken);
        var put = new PutObjectRequest
        {
            BucketName = key.DestinationBucket,
            Key = key.DestinationKey,
            InputStream = get.ResponseStream,
            AutoCloseStream = false,
            ContentType = get.Headers.ContentType,
        };
        put.Headers.ContentLength = get.ContentLength;
        FileStream? spool = null;
        if (options.PlainUploads)
        {
            spool = await SpoolAsync(get.ResponseStream, get.ContentLength, cancellationToken);
            put.InputStream = spool;
            put.UseChunkEncoding = false;
        }
        CopyHeaders(get.Headers, put.Headers);
        CopyMetadata(get.Metadata, put.Metadata, item);
        // x-amz-tagging-count says whether there are tags: most versions have none, and need no second request.
        if (get.TagCount is > 0) put.TagSet = await TagsAsync(key, item, cancellationToken);
        try
        {
            await destination.PutObjectAsync(put, cancellationToken);
        }
        finally
        {
            if (spool is not null) await spool.DisposeAsync();
        }
    }

    /// <summary>A body copied to a temporary file that goes away when closed: seekable, so the SDK can sign it whole.</summary>
    private static async Task<FileStream> SpoolAsync(Stream body, long length, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"strata-mirror-{Guid.NewGuid():N}.body");
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await body.CopyToAsync(spool, cancellationToken);
            if (spool.Length != length) throw new IOException($"The source sent {spool.Length} of {length} bytes.");
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    private async Task CopyInPartsAsync(MirrorKey key, MirrorItem item, CancellationToken cancellationToken)
    {
        var head = await source.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = key.SourceBucket, Key = key.Key, VersionId = item.VersionId }, cancellationToken);
        var initiate = new InitiateMultipartUploadRequest { BucketName = key.DestinationBucket, Key = key.DestinationKey, ContentType = head.Headers.ContentType };
        CopyHeaders(head.Headers, initiate.Headers);
        CopyMetadata(head.Metadata, initiate.Metadata, item);
        var tags = await TagsAsync(key, item, cancellationToken);
        if (tags.Count > 0) initiate.TagSet = tags;
        var upload = await destination.InitiateMultipartUploadAsync(initiate, cancellationToken);
        try
        {
            var partSize = Math.Max(options.PartSize, (item.Size + 9_999) / 10_000);
            var parts = new List<PartETag>();
            var number = 1;
            for (long first = 0; first < item.Size; first += partSize, number++)
            {
                var last = Math.Min(first + partSize, item.Size) - 1;
                var part = await CopyPartAsync(key, item, upload.UploadId, number, first, last, cancellationToken);
                parts.Add(new PartETag(number, part.ETag));
            }
            await destination.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = key.DestinationBucket,
                Key = key.DestinationKey,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, CancellationToken.None);
        }
        catch
        {
            // No half-made upload is left behind to be billed or listed; the failure itself is reported by the caller.
            await destination.AbortMultipartUploadAsync(key.DestinationBucket, key.DestinationKey, upload.UploadId, CancellationToken.None);
            throw;
        }
    }

    // The SDK sends a part only from a seekable stream (it may re-read it to retry), so each part goes through a
    // temporary file: memory stays flat, and the disk holds at most one part per key in flight.
    private async Task<UploadPartResponse> CopyPartAsync(MirrorKey key, MirrorItem item, string uploadId, int number, long first, long last, CancellationToken cancellationToken)
    {
        FileStream spool;
        using (var range = await source.GetObjectAsync(new GetObjectRequest
        {
            BucketName = key.SourceBucket,
            Key = key.Key,
            VersionId = item.VersionId,
            ByteRange = new ByteRange(first, last),
        }, cancellationToken))
        {
            spool = await SpoolAsync(range.ResponseStream, last - first + 1, cancellationToken);
        }
        await using var _ = spool;
        return await destination.UploadPartAsync(new UploadPartRequest
        {
            BucketName = key.DestinationBucket,
            Key = key.DestinationKey,
            UploadId = uploadId,
            PartNumber = number,
            PartSize = spool.Length,
            InputStream = spool,
            UseChunkEncoding = !options.PlainUploads,
        }, cancellationToken);
    }

    private async Task<List<Tag>> TagsAsync(MirrorKey key, MirrorItem item, CancellationToken cancellationToken)
    {
        var tagging = await source.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = key.SourceBucket, Key = key.Key, VersionId = item.VersionId }, cancellationToken);
        return tagging.Tagging ?? [];
    }

    private static void CopyHeaders(HeadersCollection from, HeadersCollection to)
    {
        if (from.CacheControl is { Length: > 0 } cacheControl) to.CacheControl = cacheControl;
        if (from.ContentDisposition is { Length: > 0 } disposition) to.ContentDisposition = disposition;
        if (from.ContentEncoding is { Length: > 0 } encoding) to.ContentEncoding = encoding;
        if (from["Content-Language"] is { Length: > 0 } language) to["Content-Language"] = language;
        if (from["Expires"] is { Length: > 0 } expires) to["Expires"] = expires;
    }

    private static void CopyMetadata(MetadataCollection from, MetadataCollection to, MirrorItem item)
    {
        foreach (var name in from.Keys) to[name] = from[name];
        to[MirrorMetadata.SourceVersionId] = item.VersionId;
        // A copy of a copy keeps the first source's times: a restore --at on the mirror of a mirror still answers as the original.
        if (from[MirrorMetadata.SourceLastModified] is not { Length: > 0 }) to[MirrorMetadata.SourceLastModified] = MirrorMetadata.FormatTime(item.LastModified);
        if (item.DeletedAt is { } deletedAt && from[MirrorMetadata.SourceDeletedAt] is not { Length: > 0 }) to[MirrorMetadata.SourceDeletedAt] = MirrorMetadata.FormatTime(deletedAt);
    }
}

using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Client.Recovery;

/// <summary>
/// Server-side copies of one version: CopyObject up to 5 GiB (S3's limit for a single copy), UploadPartCopy
/// beyond it. Content type and user metadata travel with the copy either way.
/// </summary>
public sealed record CopySettings
{
    /// <summary>S3's largest single CopyObject: 5 GiB.</summary>
    public const long MaxSingleCopy = 5L * 1024 * 1024 * 1024;

    /// <summary>Sizes above this are copied with UploadPartCopy.</summary>
    public long MultipartThreshold { get; init; } = MaxSingleCopy;

    /// <summary>The part size of a multipart copy (S3 allows 5 MiB to 5 GiB; 10,000 parts at most).</summary>
    public long PartSize { get; init; } = 512L * 1024 * 1024;
}

internal static class ObjectCopier
{
    public static async Task CopyAsync(IAmazonS3 s3, RecoveryStep.CopyVersion step, CopySettings settings, CancellationToken cancellationToken)
    {
        if (step.Size <= settings.MultipartThreshold)
        {
            // COPY keeps the source version's content type, headers and user metadata, as a restore must.
            await s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = step.SourceBucket,
                SourceKey = step.Key,
                SourceVersionId = step.VersionId,
                DestinationBucket = step.DestinationBucket,
                DestinationKey = step.DestinationKey,
                MetadataDirective = S3MetadataDirective.COPY,
            }, cancellationToken);
            return;
        }
        await CopyInPartsAsync(s3, step, settings, cancellationToken);
    }

    private static async Task CopyInPartsAsync(IAmazonS3 s3, RecoveryStep.CopyVersion step, CopySettings settings, CancellationToken cancellationToken)
    {
        // UploadPartCopy carries no metadata: read the source's and give it to the new upload.
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = step.SourceBucket, Key = step.Key, VersionId = step.VersionId }, cancellationToken);
        var initiate = new InitiateMultipartUploadRequest
        {
            BucketName = step.DestinationBucket,
            Key = step.DestinationKey,
            ContentType = head.Headers.ContentType,
        };
        CopyHeaders(head, initiate);
        var upload = await s3.InitiateMultipartUploadAsync(initiate, cancellationToken);
        try
        {
            var partSize = Math.Max(settings.PartSize, (step.Size + 9_999) / 10_000);
            var parts = new List<PartETag>();
            var number = 1;
            for (long first = 0; first < step.Size; first += partSize, number++)
            {
                var part = await s3.CopyPartAsync(new CopyPartRequest
                {
                    SourceBucket = step.SourceBucket,
                    SourceKey = step.Key,
                    SourceVersionId = step.VersionId,
                    DestinationBucket = step.DestinationBucket,
                    DestinationKey = step.DestinationKey,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    FirstByte = first,
                    LastByte = Math.Min(first + partSize, step.Size) - 1,
                }, cancellationToken);
                parts.Add(new PartETag(number, part.ETag));
            }
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = step.DestinationBucket,
                Key = step.DestinationKey,
                UploadId = upload.UploadId,
                PartETags = parts,
            }, cancellationToken);
        }
        catch
        {
            // Leave no half-made upload behind to be billed or listed; the failure itself is reported by the caller.
            await s3.AbortMultipartUploadAsync(step.DestinationBucket, step.DestinationKey, upload.UploadId, CancellationToken.None);
            throw;
        }
    }

    private static void CopyHeaders(GetObjectMetadataResponse head, InitiateMultipartUploadRequest initiate)
    {
        if (head.Headers.CacheControl is { } cacheControl) initiate.Headers.CacheControl = cacheControl;
        if (head.Headers.ContentDisposition is { } disposition) initiate.Headers.ContentDisposition = disposition;
        if (head.Headers.ContentEncoding is { } encoding) initiate.Headers.ContentEncoding = encoding;
        if (head.Headers["Content-Language"] is { Length: > 0 } language) initiate.Headers["Content-Language"] = language;
        if (head.Headers["Expires"] is { Length: > 0 } expires) initiate.Headers["Expires"] = expires;
        foreach (var name in head.Metadata.Keys) initiate.Metadata[name] = head.Metadata[name];
    }
}

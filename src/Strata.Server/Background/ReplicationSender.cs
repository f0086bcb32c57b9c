using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Engine;
using Strata.Engine.Objects;
using Strata.Engine.Replication;
using Strata.Server.Operations;

namespace Strata.Server.Background;

/// <summary>
/// Sends one queued version or delete marker to its destination with plain S3 calls: the body streamed from the blob store
/// (a multipart upload above the threshold), its Content-Type and other kept headers, user metadata and tags, and the
/// source's version id and last-modified time as x-amz-meta-strata-source-*. Every write carries x-strata-replica (<see cref="MarkReplicaWrites"/>), so a
/// Strata destination marks it REPLICA and never sends it back.
/// </summary>
internal static class ReplicationSender
{
    public const string SourceVersionId = "x-amz-meta-strata-source-version-id";
    public const string SourceLastModified = "x-amz-meta-strata-source-last-modified";

    /// <summary>
    /// Whether an earlier attempt (cut off by a crash or a lost answer) already put this version there: the destination's
    /// latest version of the key carries its source version id.
    /// </summary>
    public static async Task<bool> VersionAlreadyThereAsync(IAmazonS3 client, string bucket, OutboxItem item, CancellationToken cancellationToken)
    {
        try
        {
            var head = await client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = item.Key.Value }, cancellationToken);
            return head.Metadata[SourceVersionId] == item.VersionId.Value;
        }
        catch (AmazonS3Exception e) when (e.StatusCode is System.Net.HttpStatusCode.NotFound or System.Net.HttpStatusCode.MethodNotAllowed)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether an earlier attempt already put this delete marker there. A marker carries nothing to recognise it by, so the
    /// key's newest entries there must be at least <paramref name="markerRun"/> delete markers, as many as lie on the source
    /// from this marker down to the key's newest version that is not one. (Asking only whether the newest entry is a marker
    /// took the first of two markers in a row for the second, which then never arrived.)
    /// </summary>
    public static async Task<bool> MarkerAlreadyThereAsync(IAmazonS3 client, string bucket, OutboxItem item, int markerRun, CancellationToken cancellationToken)
    {
        var listing = await client.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Prefix = item.Key.Value, MaxKeys = markerRun }, cancellationToken);
        var onTop = (listing.Versions ?? []).TakeWhile(v => v.Key == item.Key.Value && v.IsDeleteMarker == true).Count();
        return onTop >= markerRun;
    }

    public static async Task SendMarkerAsync(IAmazonS3 client, string bucket, OutboxItem item, CancellationToken cancellationToken)
    {
        await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = item.Key.Value }, cancellationToken);
    }

    public static async Task SendVersionAsync(StorageEngine engine, IAmazonS3 client, string bucket, ObjectVersion version, ReplicationSettings settings,
        CancellationToken cancellationToken)
    {
        var content = engine.OpenContent(version) ?? throw new VersionGoneException();
        await using (content)
        {
            if (version.Size <= settings.MultipartThreshold)
            {
                var put = new PutObjectRequest { BucketName = bucket, Key = version.Key.Value, InputStream = content, AutoCloseStream = false, AutoResetStreamPosition = true };
                Describe(version, put.Headers, put.Metadata, out var contentType);
                put.ContentType = contentType;
                put.TagSet = Tags(version);
                put.Headers.ContentLength = version.Size;
                await client.PutObjectAsync(put, cancellationToken);
                return;
            }
            await SendMultipartAsync(client, bucket, version, content, settings.PartSize, cancellationToken);
        }
    }

    private static async Task SendMultipartAsync(IAmazonS3 client, string bucket, ObjectVersion version, Stream content, long partSize,
        CancellationToken cancellationToken)
    {
        var create = new InitiateMultipartUploadRequest { BucketName = bucket, Key = version.Key.Value, TagSet = Tags(version) };
        Describe(version, create.Headers, create.Metadata, out var contentType);
        create.ContentType = contentType;
        var upload = await client.InitiateMultipartUploadAsync(create, cancellationToken);
        try
        {
            var parts = new List<PartETag>();
            long offset = 0;
            for (var number = 1; offset < version.Size; number++)
            {
                var length = Math.Min(partSize, version.Size - offset);
                using var slice = new ReplicationSlice(content, offset, length);
                var part = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = version.Key.Value,
                    UploadId = upload.UploadId,
                    PartNumber = number,
                    PartSize = length,
                    InputStream = slice,
                }, cancellationToken);
                parts.Add(new PartETag(number, part.ETag));
                offset += length;
            }
            var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = version.Key.Value, UploadId = upload.UploadId, PartETags = parts };
            await client.CompleteMultipartUploadAsync(complete, cancellationToken);
        }
        catch
        {
            // A half-sent upload is aborted (best effort) so it does not hold parts on the destination.
            try
            {
                await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = version.Key.Value, UploadId = upload.UploadId },
                    CancellationToken.None);
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException)
            {
            }
            throw;
        }
    }

    /// <summary>The kept headers and user metadata as the destination should store them, plus the source's version id and time.</summary>
    private static void Describe(ObjectVersion version, HeadersCollection headers, MetadataCollection metadata, out string? contentType)
    {
        contentType = null;
        foreach (var (name, value) in version.Headers.Entries)
        {
            if (name.StartsWith(ObjectHeaders.MetaPrefix, StringComparison.OrdinalIgnoreCase))
            {
                if (!string.Equals(name, SourceVersionId, StringComparison.OrdinalIgnoreCase) && !string.Equals(name, SourceLastModified, StringComparison.OrdinalIgnoreCase))
                {
                    metadata[name] = value;
                }
            }
            else if (string.Equals(name, "Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
            }
            else
            {
                headers[name] = value;
            }
        }
        metadata[SourceVersionId] = version.VersionId.Value;
        metadata[SourceLastModified] = version.LastModified.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Every request of a replicator's client carries x-strata-replica (added before signing), so the PUT, the multipart
    /// completion and the DELETE that write a replica are known as such; the header is meaningless on the other calls.
    /// </summary>
    public static void MarkReplicaWrites(AmazonS3Client client) =>
        client.BeforeRequestEvent += static (_, e) =>
        {
            if (e is Amazon.Runtime.WebServiceRequestEventArgs request) request.Headers[ReplicationHeaders.Replica] = "true";
        };

    private static List<Tag>? Tags(ObjectVersion version)
    {
        if (version.Tags.Count == 0) return null;
        var tags = new List<Tag>(version.Tags.Count);
        foreach (var tag in version.Tags.Tags) tags.Add(new Tag { Key = tag.Key, Value = tag.Value });
        return tags;
    }
}

/// <summary>The version was removed for good (DELETE ?versionId) before it could be sent: there is nothing left to send.</summary>
internal sealed class VersionGoneException : Exception
{
}

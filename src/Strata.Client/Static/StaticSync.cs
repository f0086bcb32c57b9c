using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client.Connection;

namespace Strata.Client.Static;

/// <summary>
/// collectstatic over AWSSDK.S3 for any endpoint: copies a folder of static files to s3://bucket/prefix, uploading
/// only files whose content changed. The comparison costs one listing, not one HEAD per file: a single-part
/// object's ETag is the MD5 of its content, so a file whose MD5 equals the listed ETag is unchanged. Only when
/// they differ (a changed file, or an ETag that is not an MD5: multipart, SSE-KMS, SSE-C) is the object HEADed,
/// and its x-amz-meta-sha256, which every upload here writes, compared with the file's SHA-256 before uploading.
/// </summary>
public sealed class StaticSync
{
    /// <summary>The object metadata name (x-amz-meta-sha256) holding the hex SHA-256 of the content.</summary>
    public const string Sha256Metadata = "x-amz-meta-sha256";

    private readonly IAmazonS3 _s3;
    private readonly string _source;
    private readonly S3Uri _target;
    private readonly int _concurrency;

    /// <param name="s3">The client for the target's endpoint.</param>
    /// <param name="source">The folder of static files.</param>
    /// <param name="target">Where they go; a prefix not ending in "/" is taken as a folder (s3://static/v1 puts css/a.css at v1/css/a.css).</param>
    /// <param name="concurrency">HEADs, uploads and delete batches in flight at once.</param>
    public StaticSync(IAmazonS3 s3, string source, S3Uri target, int concurrency = 8)
    {
        _s3 = s3;
        _source = source;
        _target = target;
        _concurrency = concurrency;
        KeyPrefix = target.Prefix.Length == 0 || target.Prefix.EndsWith('/') ? target.Prefix : target.Prefix + "/";
    }

    /// <summary>The prefix every key gets: the target's, ending in "/" unless empty.</summary>
    public string KeyPrefix { get; }

    /// <summary>
    /// The target bucket's versioning status as S3 reports it: "Enabled", "Suspended", or null when it was never
    /// enabled. AccessDenied is thrown as the SDK throws it, for the caller to explain.
    /// </summary>
    public async Task<string?> VersioningStatusAsync(CancellationToken cancellationToken)
    {
        var response = await _s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = _target.Bucket }, cancellationToken);
        var status = response.VersioningConfig?.Status?.Value;
        return string.IsNullOrEmpty(status) || status == "Off" ? null : status;
    }

    /// <summary>Hashes the local files, lists the prefix and decides what to upload and (with <paramref name="clear"/>) delete.</summary>
    public async Task<StaticSyncPlan> PlanAsync(bool clear, StaticSyncProgress progress, CancellationToken cancellationToken) =>
        await PlanAsync(await ReadFilesAsync(progress, cancellationToken), clear, cancellationToken);

    /// <summary>Reads and hashes the source folder's files, in ordinal order of their relative paths.</summary>
    public async Task<List<StaticFile>> ReadFilesAsync(StaticSyncProgress progress, CancellationToken cancellationToken)
    {
        var files = new List<StaticFile>();
        foreach (var relative in StaticFile.Enumerate(_source))
        {
            files.Add(await StaticFile.ReadAsync(_source, relative, cancellationToken));
            progress.Hashed();
        }
        return files;
    }

    /// <summary>
    /// Lists the prefix and decides what to upload of <paramref name="files"/> (each goes to the prefix followed by its
    /// relative path; one file may stand for several keys, as a content-hashed copy does) and, with <paramref name="clear"/>, delete.
    /// </summary>
    public async Task<StaticSyncPlan> PlanAsync(IReadOnlyList<StaticFile> files, bool clear, CancellationToken cancellationToken)
    {
        var remote = await ListAsync(cancellationToken);
        var suspects = new List<(StaticFile File, string Key)>();
        var uploads = new List<StaticChange.Upload>();
        var unchanged = 0;
        foreach (var file in files)
        {
            var key = KeyPrefix + file.RelativePath;
            if (!remote.Remove(key, out var existing)) uploads.Add(new StaticChange.Upload(key, file, IsNew: true));
            else if (existing.Size == file.Size && string.Equals(existing.ETag.Trim('"'), file.Md5, StringComparison.OrdinalIgnoreCase)) unchanged++;
            else if (existing.Size != file.Size) uploads.Add(new StaticChange.Upload(key, file, IsNew: false));
            else suspects.Add((file, key));
        }

        // Same size, ETag not the MD5: the stored SHA-256 decides (an ETag that is no MD5 says nothing).
        var confirmed = new System.Collections.Concurrent.ConcurrentBag<(StaticFile File, string Key)>();
        await Parallel.ForEachAsync(suspects, InFlight(cancellationToken), async (suspect, token) =>
        {
            var stored = await Explained(() => StoredSha256Async(suspect.Key, token), "s3:GetObject", $"arn:aws:s3:::{_target.Bucket}/{suspect.Key}");
            if (!string.Equals(stored, suspect.File.Sha256, StringComparison.OrdinalIgnoreCase)) confirmed.Add(suspect);
        });
        unchanged += suspects.Count - confirmed.Count;
        uploads.AddRange(confirmed.Select(c => new StaticChange.Upload(c.Key, c.File, IsNew: false)));
        uploads.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));

        var stale = remote.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => new StaticChange.Delete(r.Key, r.Value.Size)).ToList();
        return new StaticSyncPlan(uploads, clear ? stale : [], unchanged, clear ? 0 : stale.Count);
    }

    /// <summary>Makes the plan's changes; a key that fails is reported and the others go on.</summary>
    public async Task<StaticSyncReport> ApplyAsync(StaticSyncPlan plan, StaticSyncProgress progress, CancellationToken cancellationToken)
    {
        var uploadFailures = new System.Collections.Concurrent.ConcurrentBag<StaticFailure>();
        await Parallel.ForEachAsync(plan.Uploads, InFlight(cancellationToken), async (upload, token) =>
        {
            var error = await UploadAsync(upload, token);
            if (error is not null) uploadFailures.Add(new StaticFailure(upload.Key, error));
            progress.Done(error is null ? upload.File.Size : 0, error is not null);
        });
        var deleteFailures = new System.Collections.Concurrent.ConcurrentBag<StaticFailure>();
        await Parallel.ForEachAsync(plan.Deletes.Chunk(1000), InFlight(cancellationToken), async (batch, token) =>
        {
            var failed = (await DeleteAsync(batch, token)).ToList();
            foreach (var failure in failed) deleteFailures.Add(failure);
            for (var i = 0; i < batch.Length; i++) progress.Done(0, failed: i < failed.Count);
        });
        var failures = uploadFailures.Concat(deleteFailures).OrderBy(f => f.Key, StringComparer.Ordinal).ToList();
        return new StaticSyncReport(plan.Uploads.Count - uploadFailures.Count, plan.Unchanged, plan.Deletes.Count - deleteFailures.Count, failures);
    }

    // Null when the object has no SHA-256 of ours, or was deleted since the listing: either way, upload.
    private async Task<string?> StoredSha256Async(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await _s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _target.Bucket, Key = key }, cancellationToken);
            return head.Metadata[Sha256Metadata];
        }
        catch (AmazonS3Exception e) when (e.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<string?> UploadAsync(StaticChange.Upload upload, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _target.Bucket,
            Key = upload.Key,
            FilePath = upload.File.FullPath,
            ContentType = upload.File.ContentType,
            // The MD5 read while planning: a file changed since then is refused (BadDigest), never stored under
            // the wrong SHA-256; the next run uploads it.
            MD5Digest = Convert.ToBase64String(Convert.FromHexString(upload.File.Md5)),
        };
        request.Metadata[Sha256Metadata] = upload.File.Sha256;
        try
        {
            await _s3.PutObjectAsync(request, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is AmazonS3Exception or IOException or UnauthorizedAccessException)
        {
            return S3ErrorExplainer.Explain(e, "s3:PutObject", $"arn:aws:s3:::{_target.Bucket}/{upload.Key}", _target.Bucket);
        }
    }

    private async Task<IEnumerable<StaticFailure>> DeleteAsync(StaticChange.Delete[] batch, CancellationToken cancellationToken)
    {
        var request = new DeleteObjectsRequest { BucketName = _target.Bucket, Quiet = true, Objects = [.. batch.Select(d => new KeyVersion { Key = d.Key })] };
        try
        {
            var response = await _s3.DeleteObjectsAsync(request, cancellationToken);
            return (response.DeleteErrors ?? []).Select(Failure);
        }
        catch (DeleteObjectsException e)
        {
            return (e.Response?.DeleteErrors ?? []).Select(Failure);
        }
        catch (AmazonS3Exception e)
        {
            var message = S3ErrorExplainer.Explain(e, "s3:DeleteObject", $"arn:aws:s3:::{_target.Bucket}/{KeyPrefix}*", _target.Bucket);
            return batch.Select(d => new StaticFailure(d.Key, message));
        }
    }

    private StaticFailure Failure(DeleteError error) =>
        new(error.Key, S3ErrorExplainer.ExplainCode(error.Code, error.Message, "s3:DeleteObject", $"arn:aws:s3:::{_target.Bucket}/{error.Key}", _target.Bucket));

    private async Task<Dictionary<string, (string ETag, long Size)>> ListAsync(CancellationToken cancellationToken)
    {
        var objects = new Dictionary<string, (string ETag, long Size)>(StringComparer.Ordinal);
        var request = new ListObjectsV2Request { BucketName = _target.Bucket, Prefix = KeyPrefix };
        do
        {
            var page = await Explained(() => _s3.ListObjectsV2Async(request, cancellationToken), "s3:ListBucket", $"arn:aws:s3:::{_target.Bucket}");
            foreach (var o in page.S3Objects ?? []) objects[o.Key] = (o.ETag ?? "", o.Size ?? 0);
            request.ContinuationToken = page.NextContinuationToken;
            if (page.IsTruncated != true) break;
        }
        while (request.ContinuationToken is not null);
        return objects;
    }

    // A refusal that stops the whole run (no such bucket, no permission to list) in plain words with the fix.
    private async Task<T> Explained<T>(Func<Task<T>> request, string action, string resource)
    {
        try
        {
            return await request();
        }
        catch (AmazonS3Exception e)
        {
            throw new StrataClientException(S3ErrorExplainer.Explain(e, action, resource, _target.Bucket), e);
        }
    }

    private ParallelOptions InFlight(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _concurrency, CancellationToken = cancellationToken };
}

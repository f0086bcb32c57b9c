namespace Strata.Reliability.Tests.Crash;

/// <summary>
/// After a restart, the multipart uploads the traffic started, against ListMultipartUploads and ListParts:
/// an acknowledged completion or abort leaves no upload behind; a completion the kill cut is either done
/// (object visible, upload gone) or not done (upload listed, no object), never both and, in the versioned
/// bucket, never neither; an upload created and not finished is still listed with every acknowledged part.
/// Then every listed upload is aborted, so the blob files that remain are exactly those of listed versions.
/// </summary>
internal sealed class UploadVerifier(History history, string versionedBucket, string plainBucket)
{
    private readonly HashSet<Upload> _cutCompletionsSeen = [];
    private long _completionChecks, _partChecks, _foundOpen, _aborted, _cutLanded, _cutNotLanded;

    /// <summary>Completions checked against the listings, after every restart.</summary>
    public long CompletionChecks => _completionChecks;

    /// <summary>Parts checked by ListParts (acknowledged ones present with their ETag, others whole or absent).</summary>
    public long PartChecks => _partChecks;

    /// <summary>Uploads listed after a kill (left open, cut, or created by a request whose answer was lost).</summary>
    public long FoundOpen => _foundOpen;

    /// <summary>Of those, aborted by the verifier (all of them).</summary>
    public long Aborted => _aborted;

    /// <summary>Completions the kill cut that had committed (object whole, upload gone) at the first check after it.</summary>
    public long CutCompletionsLanded => _cutLanded;

    /// <summary>Completions the kill cut that had not committed (upload listed with its parts, no object).</summary>
    public long CutCompletionsNotLanded => _cutNotLanded;

    public async Task<List<string>> VerifyAndAbortAsync(AmazonS3Client s3)
    {
        var problems = new List<string>();
        var listed = new List<(string Bucket, string Key, string UploadId)>();
        var versions = new Dictionary<(string, string), List<Listed>>();
        foreach (var bucket in new[] { versionedBucket, plainBucket })
        {
            listed.AddRange(await ListUploadsAsync(s3, bucket));
            foreach (var group in (await Verifier.ListVersionsAsync(s3, bucket)).GroupBy(v => v.Key)) versions[(bucket, group.Key)] = [.. group];
        }
        var listedIds = listed.ToDictionary(l => l.UploadId, l => (l.Bucket, l.Key));
        var uploads = history.Uploads();
        foreach (var upload in uploads.Where(u => u.UploadId is not null))
        {
            var isListed = listedIds.TryGetValue(upload.UploadId!, out var where);
            if (isListed && where != (upload.Bucket, upload.Key)) problems.Add($"{upload} is listed under {where.Bucket}/{where.Key}");
            var visible = versions.GetValueOrDefault((upload.Bucket, upload.Key))?.Any(v => !v.IsMarker && v.ETag == upload.Body.ETag && v.Size == upload.Body.Size) ?? false;
            Check(upload, isListed, visible, problems);
            if (isListed) await CheckPartsAsync(s3, upload, problems);
        }

        // An upload whose CreateMultipartUpload answer the kill cut has an id the client never learnt, so no part was sent to it.
        foreach (var unknown in listed.Where(l => !uploads.Any(u => u.UploadId == l.UploadId)).GroupBy(l => (l.Bucket, l.Key)))
        {
            var cutCreates = uploads.Count(u => u.UploadId is null && (u.Bucket, u.Key) == unknown.Key);
            if (unknown.Count() > cutCreates)
            {
                problems.Add($"{unknown.Key.Bucket}/{unknown.Key.Key}: {unknown.Count()} listed uploads no acknowledgement names, but only {cutCreates} CreateMultipartUpload requests were cut");
            }
            foreach (var (bucket, key, uploadId) in unknown)
            {
                var parts = await ListPartsAsync(s3, bucket, key, uploadId);
                if (parts.Count > 0) problems.Add($"{bucket}/{key}: upload {uploadId}, whose id no client learnt, lists {parts.Count} part(s)");
            }
        }

        Interlocked.Add(ref _foundOpen, listed.Count);
        foreach (var (bucket, key, uploadId) in listed)
        {
            var known = uploads.FirstOrDefault(u => u.UploadId == uploadId);
            if (known is not null) known.AbortSent = true;
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId });
            if (known is not null) known.AbortAcked = true;
            Interlocked.Increment(ref _aborted);
        }
        foreach (var bucket in new[] { versionedBucket, plainBucket })
        {
            foreach (var (_, key, uploadId) in await ListUploadsAsync(s3, bucket)) problems.Add($"{bucket}/{key}: upload {uploadId} is still listed after its acknowledged abort");
        }
        return problems;
    }

    private void Check(Upload upload, bool isListed, bool visible, List<string> problems)
    {
        if (upload.Completion is { IsAcked: true })
        {
            Interlocked.Increment(ref _completionChecks);
            if (isListed) problems.Add($"{upload} is still listed after its acknowledged CompleteMultipartUpload");
        }
        else if (upload.AbortAcked)
        {
            if (isListed) problems.Add($"{upload} is listed after its acknowledged AbortMultipartUpload");
            // The verifier aborts only uploads it found listed, so a completion the kill cut had not landed then: it never may.
            if (upload.Completion is not null && visible) problems.Add($"{upload}: its object appeared although the upload was still open when it was aborted");
        }
        else if (upload.Completion is not null)
        {
            // Completion cut by the kill: one transaction removes the upload and pushes the version.
            Interlocked.Increment(ref _completionChecks);
            if (_cutCompletionsSeen.Add(upload)) Interlocked.Increment(ref isListed ? ref _cutNotLanded : ref _cutLanded);
            if (isListed && visible) problems.Add($"{upload}: the cut completion is torn, the upload is listed and its object is visible");
            if (!isListed && !visible && upload.Bucket == versionedBucket)
            {
                problems.Add($"{upload}: the cut completion is torn, the upload is gone but no version holds its object");
            }
        }
        else if (!upload.AbortSent && !isListed)
        {
            problems.Add($"{upload}: acknowledged CreateMultipartUpload, neither completed nor aborted, is not listed");
        }
    }

    /// <summary>Every acknowledged part is listed with its ETag and size; any other part listed is one that was sent, whole.</summary>
    private async Task CheckPartsAsync(AmazonS3Client s3, Upload upload, List<string> problems)
    {
        var listed = (await ListPartsAsync(s3, upload.Bucket, upload.Key, upload.UploadId!)).ToDictionary(p => p.Number);
        var sizes = upload.Body.Parts().ToDictionary(p => p.Number, p => (long)p.Length);
        foreach (var (number, etag) in upload.AckedParts())
        {
            Interlocked.Increment(ref _partChecks);
            if (!listed.TryGetValue(number, out var part)) problems.Add($"{upload}: acknowledged part {number} is not listed");
            else if (part.ETag != etag || part.Size != sizes[number]) problems.Add($"{upload}: part {number} lists {part.Size} B, {part.ETag}; it was acknowledged as {sizes[number]} B, {etag}");
        }
        foreach (var part in listed.Values.Where(p => !upload.AckedParts().ContainsKey(p.Number)))
        {
            Interlocked.Increment(ref _partChecks);
            if (!upload.WasPartSent(part.Number)) problems.Add($"{upload}: part {part.Number} is listed but was never sent");
            else if (part.ETag != upload.Body.PartETags![part.Number - 1] || part.Size != sizes[part.Number])
            {
                problems.Add($"{upload}: cut part {part.Number} lists {part.Size} B, {part.ETag}; the part sent was {sizes[part.Number]} B, {upload.Body.PartETags![part.Number - 1]}");
            }
        }
    }

    private static async Task<List<(string Bucket, string Key, string UploadId)>> ListUploadsAsync(AmazonS3Client s3, string bucket)
    {
        var all = new List<(string, string, string)>();
        var request = new ListMultipartUploadsRequest { BucketName = bucket, MaxUploads = 1000 };
        while (true)
        {
            var page = await s3.ListMultipartUploadsAsync(request);
            foreach (var u in page.MultipartUploads ?? []) all.Add((bucket, u.Key, u.UploadId));
            if (page.IsTruncated != true) return all;
            request.KeyMarker = page.NextKeyMarker;
            request.UploadIdMarker = page.NextUploadIdMarker;
        }
    }

    private static async Task<List<(int Number, string ETag, long Size)>> ListPartsAsync(AmazonS3Client s3, string bucket, string key, string uploadId)
    {
        var all = new List<(int, string, long)>();
        var request = new ListPartsRequest { BucketName = bucket, Key = key, UploadId = uploadId };
        while (true)
        {
            var page = await s3.ListPartsAsync(request);
            foreach (var p in page.Parts ?? []) all.Add((p.PartNumber ?? 0, p.ETag, p.Size ?? 0));
            if (page.IsTruncated != true) return all;
            request.PartNumberMarker = page.NextPartNumberMarker?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}

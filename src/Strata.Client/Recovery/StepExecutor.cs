using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Client.Recovery;

/// <summary>Carries out one step; a failure is recorded with its plain explanation and the run goes on with the other keys.</summary>
internal sealed class StepExecutor(IAmazonS3 s3, RecoveryOptions options, RecoveryProgress progress, List<RecoveryFailure> failures)
{
    /// <summary>S3: one DeleteObjects request names at most 1,000 keys.</summary>
    private const int MaxKeysPerDelete = 1000;

    // An MFA code authorizes one request (AWS: "each unique token ... can only be used in one request"), so with
    // --mfa the marker removals are gathered and sent as one DeleteObjects, which S3 lets one code cover.
    private readonly List<RecoveryStep.RemoveDeleteMarker> _mfaRemovals = [];

    public async Task ExecuteAsync(RecoveryStep step, CancellationToken cancellationToken)
    {
        if (step is RecoveryStep.RemoveDeleteMarker gathered && options.Mfa is not null)
        {
            lock (_mfaRemovals) _mfaRemovals.Add(gathered);
            return;
        }
        try
        {
            switch (step)
            {
                case RecoveryStep.CopyVersion copy:
                    await ObjectCopier.CopyAsync(s3, copy, options.Copy, cancellationToken);
                    break;
                case RecoveryStep.AddDeleteMarker add:
                    await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = add.Bucket, Key = add.Key }, cancellationToken);
                    break;
                case RecoveryStep.RemoveDeleteMarker remove:
                    await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = remove.Bucket, Key = remove.Key, VersionId = remove.VersionId, MfaCodes = options.Mfa }, cancellationToken);
                    break;
                case RecoveryStep.Download download:
                    await DownloadAsync(download, cancellationToken);
                    break;
                case RecoveryStep.Refuse refuse:
                    Fail(step, refuse.Reason);
                    return;
            }
            progress.Completed(step.Bytes);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or IOException or UnauthorizedAccessException or HttpRequestException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var (bucket, key) = Target(step);
            Fail(step, S3ErrorExplainer.Explain(e, step.Permission, $"arn:aws:s3:::{bucket}/{key}", bucket));
        }
    }

    /// <summary>Sends the gathered marker removals as one DeleteObjects carrying the MFA code; the rest need a fresh code.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_mfaRemovals.Count == 0) return;
        var batch = _mfaRemovals.Take(MaxKeysPerDelete).ToList();
        foreach (var left in _mfaRemovals.Skip(MaxKeysPerDelete))
        {
            Fail(left, $"One MFA code authorizes one request of at most {MaxKeysPerDelete} deletions; run again with the next code for the rest.");
        }
        var request = new DeleteObjectsRequest
        {
            BucketName = batch[0].Bucket,
            MfaCodes = options.Mfa,
            Objects = batch.ConvertAll(r => new KeyVersion { Key = r.Key, VersionId = r.VersionId }),
        };
        DeleteObjectsResponse response;
        try
        {
            response = await s3.DeleteObjectsAsync(request, cancellationToken);
        }
        catch (DeleteObjectsException partly)
        {
            response = partly.Response;
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException
            or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            foreach (var removal in batch) Fail(removal, S3ErrorExplainer.Explain(e, removal.Permission, $"arn:aws:s3:::{removal.Bucket}/{removal.Key}", removal.Bucket));
            return;
        }
        var refused = new Dictionary<(string, string?), DeleteError>();
        foreach (var error in response.DeleteErrors ?? []) refused[(error.Key, error.VersionId)] = error;
        foreach (var removal in batch)
        {
            if (refused.TryGetValue((removal.Key, removal.VersionId), out var error))
            {
                Fail(removal, S3ErrorExplainer.ExplainCode(error.Code, error.Message, removal.Permission, $"arn:aws:s3:::{removal.Bucket}/{removal.Key}", removal.Bucket));
            }
            else
            {
                progress.Completed(removal.Bytes);
            }
        }
    }

    /// <summary>The live counters, for a job that carries out its own steps.</summary>
    public RecoveryProgress Progress => progress;

    /// <summary>Records <paramref name="step"/> as failed with its plain explanation.</summary>
    public void Fail(RecoveryStep step, string message)
    {
        lock (failures) failures.Add(new RecoveryFailure(step.Key, Name(step), message));
        progress.FailedOne();
    }

    private async Task DownloadAsync(RecoveryStep.Download step, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(step.Path)!);
        // A temporary file renamed into place: an interrupted download never leaves a file that looks finished.
        var temp = Path.Combine(Path.GetDirectoryName(step.Path)!, $".{Path.GetFileName(step.Path)}.{Guid.NewGuid():N}.strata-partial");
        try
        {
            using (var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = step.Bucket, Key = step.Key, VersionId = step.VersionId }, cancellationToken))
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                await response.ResponseStream.CopyToAsync(file, cancellationToken);
            }
            File.Move(temp, step.Path, overwrite: true);
            // The version's time on the file is what tells a second run this file is already restored.
            File.SetLastWriteTimeUtc(step.Path, step.LastModified.UtcDateTime);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    private static (string Bucket, string Key) Target(RecoveryStep step) => step switch
    {
        RecoveryStep.CopyVersion c => (c.DestinationBucket, c.DestinationKey),
        RecoveryStep.AddDeleteMarker a => (a.Bucket, a.Key),
        RecoveryStep.RemoveDeleteMarker r => (r.Bucket, r.Key),
        RecoveryStep.Download d => (d.Bucket, d.Key),
        _ => ("", step.Key),
    };

    public static string Name(RecoveryStep step) => step.Name;
}

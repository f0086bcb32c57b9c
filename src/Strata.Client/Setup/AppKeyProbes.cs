using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Client.Setup;

/// <summary>
/// Asks the media bucket, with the application's key, whether that key could destroy history, by requests that
/// cannot change anything whatever the answer: a version delete of a key and version that do not exist, and a
/// PUT of the versioning state the bucket already has.
/// </summary>
internal sealed class AppKeyProbes(IAmazonS3 app, string bucket)
{
    private const string DeleteCheck = "app key: destroy versions";
    private const string VersioningCheck = "app key: change versioning";
    private const string Fix = "deny s3:DeleteObjectVersion and s3:PutBucketVersioning in the app user's policy (strata apply, or docs/examples/webapp-policy.json)";

    public async Task<Finding> DeleteVersionAsync(CancellationToken cancellationToken)
    {
        // A random key under a prefix of its own and a random 32-character version id: no such version exists, so
        // nothing can be removed. S3 checks s3:DeleteObjectVersion first: AccessDenied means the key may not; a 204
        // or NoSuchVersion means the request got past authorization, and a real version id would have been destroyed.
        var probe = Guid.NewGuid().ToString("N");
        try
        {
            await app.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = $"strata-doctor-probe/{probe}", VersionId = probe }, cancellationToken);
            return new Finding(DeleteCheck, FindingResult.Fail, "ALLOWED: it may delete versions for good (probe answered 204)", Fix);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied")
        {
            return new Finding(DeleteCheck, FindingResult.Pass, "refused (AccessDenied)");
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "NoSuchVersion" or "NoSuchKey")
        {
            return new Finding(DeleteCheck, FindingResult.Fail, $"ALLOWED: it may delete versions for good (probe answered {e.ErrorCode})", Fix);
        }
        catch (AmazonS3Exception e)
        {
            return SetupDoctor.Unchecked(DeleteCheck, e, "s3:DeleteObjectVersion");
        }
    }

    public async Task<Finding> ChangeVersioningAsync(bool enabled, bool mfaDelete, CancellationToken cancellationToken)
    {
        // S3: with MFA Delete on, the versioning state changes only with the root's MFA code; no app key can.
        if (mfaDelete) return new Finding(VersioningCheck, FindingResult.Pass, "MFA Delete is on: only the root with an MFA code can");
        // Re-sending "Enabled" to a bucket that is Enabled changes nothing. Any other state is not probed: sending
        // Suspended to a never-versioned bucket, or Enabled to a Suspended one, would change it.
        if (!enabled) return new Finding(VersioningCheck, FindingResult.Warn, "not probed: the media bucket is not versioned (see above)");
        try
        {
            await app.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            }, cancellationToken);
            return new Finding(VersioningCheck, FindingResult.Fail, "ALLOWED: it could suspend versioning (the probe re-set Enabled, nothing changed)", Fix);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "AccessDenied")
        {
            return new Finding(VersioningCheck, FindingResult.Pass, "refused (AccessDenied)");
        }
        catch (AmazonS3Exception e)
        {
            return SetupDoctor.Unchecked(VersioningCheck, e, "s3:PutBucketVersioning");
        }
    }
}

using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Client.Setup;

/// <summary>
/// Audits a live media/static set-up against the recipe: versioned, protected, unexposed media; unversioned static;
/// an application key that cannot destroy versions. Reads only, with the auditor's key; the application's key is
/// probed with requests that cannot change anything (see <see cref="AppKeyProbes"/>).
/// An endpoint that answers 501 for a check gets "not available" for that item, and the audit goes on.
/// A failure to reach the endpoint is not caught: the caller reports it (exit 3).
/// </summary>
public sealed class SetupDoctor(IAmazonS3 auditor, IAmazonS3? app)
{
    /// <summary>Runs every check for the buckets of <paramref name="setup"/>, in a fixed order.</summary>
    public async Task<IReadOnlyList<Finding>> AuditAsync(SetupFile setup, CancellationToken cancellationToken)
    {
        var findings = new List<Finding>();
        if (setup.Media is { } media) await AuditMediaAsync(media, findings, cancellationToken);
        if (setup.Static is { } statics) await AuditStaticAsync(statics, findings, cancellationToken);
        return findings;
    }

    private async Task AuditMediaAsync(BucketSetup media, List<Finding> findings, CancellationToken cancellationToken)
    {
        var name = media.Name;
        var label = $"media {name}";
        GetBucketVersioningResponse versioning;
        try
        {
            versioning = await auditor.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = name }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            findings.Add(Unreadable($"{label}: exists", e));
            return;
        }
        var status = versioning.VersioningConfig?.Status;
        var enabled = status == VersionStatus.Enabled;
        findings.Add(enabled
            ? new Finding($"{label}: versioning", FindingResult.Pass, "Enabled")
            : new Finding($"{label}: versioning", FindingResult.Fail, StatusText(status) + ": a delete or overwrite loses the file for good",
                $"aws s3api put-bucket-versioning --bucket {name} --versioning-configuration Status=Enabled (or strata apply)"));

        var mfaDelete = versioning.VersioningConfig?.EnableMfaDelete == true;
        findings.Add(await ProtectionAsync(media, label, mfaDelete, cancellationToken));
        findings.Add(await CheckAsync($"{label}: noncurrent expiry", "s3:GetLifecycleConfiguration", () => LifecycleAsync(media, label, cancellationToken)));
        findings.Add(await CheckAsync($"{label}: not public (policy)", "s3:GetBucketPolicyStatus", () => PolicyNotPublicAsync(name, label, cancellationToken)));
        findings.Add(await CheckAsync($"{label}: Block Public Access", "s3:GetBucketPublicAccessBlock", () => PublicAccessBlockAsync(media, label, cancellationToken)));
        findings.Add(await CheckAsync($"{label}: off-site replica", "s3:GetReplicationConfiguration", () => ReplicationAsync(name, label, cancellationToken)));

        if (app is null)
        {
            findings.Add(new Finding("app key: destroy versions", FindingResult.Warn, "not probed: no application key given",
                "pass the application's key: --app-profile NAME, or --app-access-key with STRATA_APP_SECRET_KEY"));
            return;
        }
        var probes = new AppKeyProbes(app, name);
        findings.Add(await probes.DeleteVersionAsync(cancellationToken));
        findings.Add(await probes.ChangeVersioningAsync(enabled, mfaDelete, cancellationToken));
    }

    private async Task AuditStaticAsync(BucketSetup statics, List<Finding> findings, CancellationToken cancellationToken)
    {
        var name = statics.Name;
        var label = $"static {name}";
        GetBucketVersioningResponse versioning;
        try
        {
            versioning = await auditor.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = name }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            findings.Add(Unreadable($"{label}: exists", e));
            return;
        }
        var status = versioning.VersioningConfig?.Status;
        findings.Add(status == VersionStatus.Enabled
            ? new Finding($"{label}: unversioned", FindingResult.Fail, "Enabled: every collectstatic run keeps old copies you pay for",
                $"make a new unversioned bucket and run collectstatic into it (versioning cannot be turned off, only suspended)")
            : status == VersionStatus.Suspended
                ? new Finding($"{label}: unversioned", FindingResult.Warn, "Suspended: versions kept from before still cost",
                    $"strata versions s3://{name} shows them; delete old versions or add a noncurrent-expiry rule")
                : new Finding($"{label}: unversioned", FindingResult.Pass, "never versioned"));
        if (statics.PublicRead)
        {
            findings.Add(await CheckAsync($"{label}: public read", "s3:GetBucketPolicyStatus", async () =>
            {
                var isPublic = await IsPolicyPublicAsync(name, cancellationToken);
                return isPublic
                    ? new Finding($"{label}: public read", FindingResult.Pass, "public by bucket policy")
                    : new Finding($"{label}: public read", FindingResult.Fail, "not public, but strata.json says publicRead",
                        "strata apply strata.json (adds a policy allowing s3:GetObject to everyone)");
            }));
        }
    }

    private async Task<Finding> ProtectionAsync(BucketSetup media, string label, bool mfaDelete, CancellationToken cancellationToken)
    {
        var check = $"{label}: MFA Delete or Object Lock";
        if (mfaDelete) return new Finding(check, FindingResult.Pass, "MFA Delete is on");
        return await CheckAsync(check, "s3:GetBucketObjectLockConfiguration", async () =>
        {
            bool locked;
            try
            {
                var config = await auditor.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = media.Name }, cancellationToken);
                locked = config.ObjectLockConfiguration?.ObjectLockEnabled == ObjectLockEnabled.Enabled;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError")
            {
                locked = false;
            }
            if (locked) return new Finding(check, FindingResult.Pass, "Object Lock is on");
            // Wanted in strata.json: a failure. Otherwise the app key's policy is the guard; worth a warning.
            var wanted = media.MfaDelete || media.ObjectLock is not null;
            return new Finding(check, wanted ? FindingResult.Fail : FindingResult.Warn,
                "neither is on: a leaked root key can destroy versions",
                "strata apply strata.json --mfa \"SERIAL CODE\" with \"mfaDelete\": true, or create the bucket with Object Lock");
        });
    }

    private async Task<Finding> LifecycleAsync(BucketSetup media, string label, CancellationToken cancellationToken)
    {
        var check = $"{label}: noncurrent expiry";
        List<LifecycleRule> rules;
        try
        {
            var lifecycle = await auditor.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = media.Name }, cancellationToken);
            rules = lifecycle.Configuration?.Rules ?? [];
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchLifecycleConfiguration")
        {
            rules = [];
        }
        var expiring = rules.FirstOrDefault(r => r.Status == LifecycleRuleStatus.Enabled && r.NoncurrentVersionExpiration?.NoncurrentDays > 0);
        if (expiring is not null) return new Finding(check, FindingResult.Pass, $"noncurrent versions expire after {expiring.NoncurrentVersionExpiration.NoncurrentDays} days");
        return new Finding(check, media.NoncurrentVersionExpirationDays is null ? FindingResult.Warn : FindingResult.Fail,
            "no rule: old versions are kept, and paid for, forever",
            "set \"noncurrentVersionExpirationDays\" in strata.json and run strata apply (or strata admin lifecycle)");
    }

    private async Task<Finding> PolicyNotPublicAsync(string bucket, string label, CancellationToken cancellationToken) =>
        await IsPolicyPublicAsync(bucket, cancellationToken)
            ? new Finding($"{label}: not public (policy)", FindingResult.Fail, "PUBLIC: its bucket policy lets anyone in",
                $"aws s3api delete-bucket-policy --bucket {bucket}, and turn on Block Public Access")
            : new Finding($"{label}: not public (policy)", FindingResult.Pass, "not public");

    private async Task<bool> IsPolicyPublicAsync(string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var status = await auditor.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = bucket }, cancellationToken);
            return status.PolicyStatus?.IsPublic == true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucketPolicy")
        {
            return false;
        }
    }

    private async Task<Finding> PublicAccessBlockAsync(BucketSetup media, string label, CancellationToken cancellationToken)
    {
        var check = $"{label}: Block Public Access";
        PublicAccessBlockConfiguration? block;
        try
        {
            block = (await auditor.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = media.Name }, cancellationToken)).PublicAccessBlockConfiguration;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchPublicAccessBlockConfiguration")
        {
            block = null;
        }
        var all = block is { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
        if (all) return new Finding(check, FindingResult.Pass, "all four settings on");
        return new Finding(check, media.BlockPublicAccess ? FindingResult.Fail : FindingResult.Warn,
            block is null ? "not set: a policy or ACL could make uploads public" : "only partly on",
            $"aws s3api put-public-access-block --bucket {media.Name} --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true");
    }

    private async Task<Finding> ReplicationAsync(string bucket, string label, CancellationToken cancellationToken)
    {
        var check = $"{label}: off-site replica";
        try
        {
            var replication = await auditor.GetBucketReplicationAsync(new GetBucketReplicationRequest { BucketName = bucket }, cancellationToken);
            var rules = replication.Configuration?.Rules?.Count ?? 0;
            if (rules > 0) return new Finding(check, FindingResult.Pass, Count(rules, "replication rule"));
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "ReplicationConfigurationNotFoundError")
        {
        }
        return new Finding(check, FindingResult.Warn, "no replication rule: one site, one copy",
            "add a replication rule to a bucket elsewhere (aws s3api put-bucket-replication)");
    }

    /// <summary>Runs one check; what the endpoint lacks or refuses becomes that item's answer, not the audit's end.</summary>
    internal static async Task<Finding> CheckAsync(string check, string action, Func<Task<Finding>> run)
    {
        try
        {
            return await run();
        }
        catch (AmazonS3Exception e)
        {
            return Unchecked(check, e, action);
        }
    }

    internal static Finding Unchecked(string check, AmazonS3Exception e, string action, string? missingFix = null) => e switch
    {
        { ErrorCode: "NoSuchBucket" } => new Finding(check, FindingResult.Fail, "the bucket does not exist", missingFix),
        _ when IsNotImplemented(e) => new Finding(check, FindingResult.NotAvailable, "the endpoint does not implement this check (501)"),
        { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" } => new Finding(check, FindingResult.Fail, $"the key was not accepted ({e.ErrorCode})",
            "check the access key id and its secret"),
        { ErrorCode: "AccessDenied" } => new Finding(check, FindingResult.Warn, $"not checked: the auditing key lacks {action}",
            "run doctor with the bucket owner's key (--profile)"),
        _ => new Finding(check, FindingResult.Warn, $"not checked: the endpoint answered {e.ErrorCode ?? ((int)e.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}"),
    };

    /// <summary>A bucket that cannot even be read is a failure: nothing about it can be confirmed.</summary>
    private static Finding Unreadable(string check, AmazonS3Exception e) => Unchecked(check, e, "s3:GetBucketVersioning", missingFix: "strata apply strata.json") switch
    {
        { Result: FindingResult.Warn } notChecked => notChecked with { Result = FindingResult.Fail },
        var finding => finding,
    };

    internal static bool IsNotImplemented(AmazonS3Exception e) =>
        e.ErrorCode == "NotImplemented" || e.StatusCode == System.Net.HttpStatusCode.NotImplemented;

    private static string StatusText(VersionStatus? status) =>
        status is null || status == VersionStatus.Off || string.IsNullOrEmpty(status.Value) ? "never enabled" : status.Value;

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}

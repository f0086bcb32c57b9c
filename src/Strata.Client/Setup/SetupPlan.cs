using Amazon.S3;
using Amazon.S3.Model;

namespace Strata.Client.Setup;

/// <summary>One change `strata apply` will make: what it says in the plan and the request that makes it.</summary>
/// <param name="Bucket">The bucket it is on.</param>
/// <param name="Description">What changes, in a few words.</param>
/// <param name="Run">Makes the change.</param>
public sealed record PlannedChange(string Bucket, string Description, Func<CancellationToken, Task> Run);

/// <summary>A plan: the changes to make, and what cannot be done (each with its reason).</summary>
/// <param name="Changes">In the order they must run.</param>
/// <param name="Blocked">What the file asks for that apply cannot do, e.g. turning versioning off.</param>
public sealed record SetupPlan(IReadOnlyList<PlannedChange> Changes, IReadOnlyList<string> Blocked);

/// <summary>
/// Compares the live buckets with a <see cref="SetupFile"/> and plans the changes, reading only. Each setting is
/// compared with what the endpoint answers, so a second plan after an apply is empty.
/// </summary>
public sealed class SetupPlanner(IAmazonS3 s3, MfaCodes? mfa)
{
    /// <summary>The rule id apply writes into a media bucket's lifecycle configuration; other rules are kept.</summary>
    public const string NoncurrentRuleId = "strata-noncurrent-expiry";

    /// <summary>Plans every bucket of <paramref name="setup"/>.</summary>
    public async Task<SetupPlan> PlanAsync(SetupFile setup, CancellationToken cancellationToken)
    {
        var changes = new List<PlannedChange>();
        var blocked = new List<string>();
        foreach (var bucket in setup.Buckets) await PlanBucketAsync(bucket, changes, blocked, cancellationToken);
        return new SetupPlan(changes, blocked);
    }

    private async Task PlanBucketAsync(BucketSetup b, List<PlannedChange> changes, List<string> blocked, CancellationToken cancellationToken)
    {
        var name = b.Name;
        VersionStatus? status = null;
        var mfaDelete = false;
        var exists = true;
        try
        {
            var versioning = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = name }, cancellationToken);
            status = versioning.VersioningConfig?.Status;
            mfaDelete = versioning.VersioningConfig?.EnableMfaDelete == true;
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucket")
        {
            exists = false;
        }

        if (!exists)
        {
            changes.Add(new(name, b.ObjectLock is null ? "create bucket" : "create bucket with Object Lock", ct =>
                s3.PutBucketAsync(new PutBucketRequest { BucketName = name, ObjectLockEnabledForBucket = b.ObjectLock is not null }, ct)));
            // S3: a bucket created with Object Lock is versioned already.
            if (b.ObjectLock is not null) status = VersionStatus.Enabled;
        }

        PlanVersioning(b, status, mfaDelete, changes, blocked);
        if (b.ObjectLock is { } wantedLock) await PlanObjectLockAsync(b, wantedLock, exists, changes, blocked, cancellationToken);
        if (b.NoncurrentVersionExpirationDays is { } days) await PlanLifecycleAsync(name, days, exists, changes, cancellationToken);
        await PlanPublicAccessAsync(b, exists, changes, cancellationToken);
    }

    private void PlanVersioning(BucketSetup b, VersionStatus? status, bool mfaDelete, List<PlannedChange> changes, List<string> blocked)
    {
        var name = b.Name;
        var enabled = status == VersionStatus.Enabled;
        if (!b.Versioning)
        {
            // S3: versioning once enabled can only be suspended; the old versions stay.
            if (enabled) blocked.Add($"{name}: versioning is Enabled and cannot be turned off; make a new bucket for static files");
            return;
        }
        var wantMfa = b.MfaDelete && !mfaDelete;
        if (enabled && !wantMfa) return;
        if (wantMfa && mfa is null)
        {
            blocked.Add($"{name}: MFA Delete needs the root's MFA device: run again with --mfa \"SERIAL CODE\"");
            if (enabled) return;
        }
        var withMfa = wantMfa && mfa is not null;
        changes.Add(new(name, withMfa ? "versioning Enabled, MFA Delete on" : "versioning Enabled", ct => s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = name,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = withMfa ? true : null },
            MfaCodes = withMfa || mfaDelete ? mfa : null,
        }, ct)));
    }

    private async Task PlanObjectLockAsync(BucketSetup b, ObjectLockDefault wanted, bool exists, List<PlannedChange> changes, List<string> blocked, CancellationToken cancellationToken)
    {
        ObjectLockConfiguration? current = null;
        if (exists)
        {
            try
            {
                current = (await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = b.Name }, cancellationToken)).ObjectLockConfiguration;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError")
            {
                blocked.Add($"{b.Name}: Object Lock can only be turned on when a bucket is created; make a new bucket");
                return;
            }
        }
        var retention = current?.Rule?.DefaultRetention;
        if (retention is not null && retention.Mode?.Value == wanted.Mode && retention.Days == wanted.Days) return;
        changes.Add(new(b.Name, $"Object Lock default retention {wanted.Mode} {wanted.Days} days", ct => s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = b.Name,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = new ObjectLockRetentionMode(wanted.Mode), Days = wanted.Days } },
            },
        }, ct)));
    }

    private async Task PlanLifecycleAsync(string name, int days, bool exists, List<PlannedChange> changes, CancellationToken cancellationToken)
    {
        var rules = new List<LifecycleRule>();
        if (exists)
        {
            try
            {
                rules = (await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = name }, cancellationToken)).Configuration?.Rules ?? [];
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchLifecycleConfiguration")
            {
            }
        }
        if (rules.Any(r => r.Status == LifecycleRuleStatus.Enabled && r.NoncurrentVersionExpiration?.NoncurrentDays == days)) return;
        // Other rules are kept: the configuration is replaced as a whole, so it is sent back with ours added.
        var kept = rules.Where(r => r.Id != NoncurrentRuleId).ToList();
        kept.Add(new LifecycleRule
        {
            Id = NoncurrentRuleId,
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { LifecycleFilterPredicate = new LifecyclePrefixPredicate { Prefix = "" } },
            NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = days },
        });
        changes.Add(new(name, $"lifecycle: noncurrent versions expire after {days} days", ct =>
            s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest { BucketName = name, Configuration = new LifecycleConfiguration { Rules = kept } }, ct)));
    }

    private async Task PlanPublicAccessAsync(BucketSetup b, bool exists, List<PlannedChange> changes, CancellationToken cancellationToken)
    {
        var name = b.Name;
        PublicAccessBlockConfiguration? block = null;
        var isPublic = false;
        if (exists)
        {
            try
            {
                block = (await s3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = name }, cancellationToken)).PublicAccessBlockConfiguration;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchPublicAccessBlockConfiguration")
            {
            }
            try
            {
                isPublic = (await s3.GetBucketPolicyStatusAsync(new GetBucketPolicyStatusRequest { BucketName = name }, cancellationToken)).PolicyStatus?.IsPublic == true;
            }
            catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchBucketPolicy")
            {
            }
        }
        var allOn = block is { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
        if (b.BlockPublicAccess && !b.PublicRead && !allOn)
        {
            changes.Add(new(name, "Block Public Access: all four settings on", ct => s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
            {
                BucketName = name,
                PublicAccessBlockConfiguration = new() { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = true, RestrictPublicBuckets = true },
            }, ct)));
        }
        if (!b.PublicRead || isPublic) return;
        // A new bucket may get Block Public Access by default, and BlockPublicPolicy refuses a public policy:
        // keep blocking public ACLs, let the policy through.
        if (!exists || block is { BlockPublicPolicy: true } or { RestrictPublicBuckets: true })
        {
            changes.Add(new(name, "Block Public Access: allow a public bucket policy (ACLs stay blocked)", ct => s3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
            {
                BucketName = name,
                PublicAccessBlockConfiguration = new() { BlockPublicAcls = true, IgnorePublicAcls = true, BlockPublicPolicy = false, RestrictPublicBuckets = false },
            }, ct)));
        }
        changes.Add(new(name, "bucket policy: anyone may read objects (replaces the bucket's policy)", ct =>
            s3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = name, Policy = PublicReadPolicy(name) }, ct)));
    }

    /// <summary>The bucket policy apply writes for <c>publicRead</c>: GetObject for everyone, nothing else.</summary>
    public static string PublicReadPolicy(string bucket) =>
        $$"""{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::{{bucket}}/*"}]}""";
}

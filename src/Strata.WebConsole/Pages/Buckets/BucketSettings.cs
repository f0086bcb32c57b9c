using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.WebConsole.Rendering;

namespace Strata.WebConsole.Pages.Buckets;

/// <summary>
/// A bucket's versioning, MFA Delete, Object Lock and lifecycle, each read with the user's own key; a refused read
/// becomes a dash with the reason, and the others still show.
/// </summary>
internal static class BucketSettings
{
    public static async Task<(Cell Versioning, Cell MfaDelete)> VersioningAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, cancellationToken);
            var config = answer.VersioningConfig;
            var status = config?.Status?.Value;
            var versioning = string.IsNullOrEmpty(status) || status == "Off" ? "Off" : status;
            var mfa = config?.EnableMfaDelete == true ? "Enabled" : "Disabled";
            return (new Cell(versioning), new Cell(mfa));
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            var why = Refusals.Explain(e, "s3:GetBucketVersioning", "read this bucket's versioning state");
            return (Cell.Refused(why), Cell.Refused(why));
        }
    }

    public static async Task<Cell> ObjectLockAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket }, cancellationToken);
            var config = answer.ObjectLockConfiguration;
            if (config?.ObjectLockEnabled?.Value != "Enabled") return new Cell("Off");
            var retention = config.Rule?.DefaultRetention;
            if (retention?.Mode is null) return new Cell("On");
            var span = retention.Days is > 0 ? Plural(retention.Days.Value, "day") : Plural(retention.Years ?? 0, "year");
            return new Cell($"On, {retention.Mode.Value} {span}");
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "ObjectLockConfigurationNotFoundError")
        {
            return new Cell("Off");
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            return Cell.Refused(Refusals.Explain(e, "s3:GetBucketObjectLockConfiguration", "read this bucket's Object Lock setting"));
        }
    }

    /// <summary>Null when the key may list the bucket (HeadBucket needs s3:ListBucket, as on S3), else why not.</summary>
    public static async Task<string?> ListRefusalAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            // HEAD answers carry no error body: a 403 is all there is to go on.
            return e is Amazon.Runtime.AmazonServiceException { StatusCode: System.Net.HttpStatusCode.Forbidden }
                ? "Access denied: your key may not list this bucket (s3:ListBucket). Ask the bucket's owner to grant it."
                : Refusals.Explain(e, "s3:ListBucket", "list this bucket");
        }
    }

    public static async Task<Cell> LifecycleAsync(IAmazonS3 s3, string bucket, CancellationToken cancellationToken)
    {
        try
        {
            var answer = await s3.GetLifecycleConfigurationAsync(new GetLifecycleConfigurationRequest { BucketName = bucket }, cancellationToken);
            return new Cell(Summary(answer.Configuration?.Rules));
        }
        catch (AmazonS3Exception e) when (e.ErrorCode == "NoSuchLifecycleConfiguration")
        {
            return new Cell("None");
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException)
        {
            return Cell.Refused(Refusals.Explain(e, "s3:GetLifecycleConfiguration", "read this bucket's lifecycle rules"));
        }
    }

    /// <summary>The rules in a few words: what expires and when ("current after 30 days; noncurrent after 7 days").</summary>
    internal static string Summary(List<LifecycleRule>? rules)
    {
        var enabled = rules?.Where(r => r.Status == LifecycleRuleStatus.Enabled).ToList() ?? [];
        if (enabled.Count == 0) return rules is { Count: > 0 } ? "Rules disabled" : "None";
        var phrases = new List<string>();
        foreach (var rule in enabled)
        {
            if (rule.Expiration?.Days is > 0) phrases.Add($"current after {Plural(rule.Expiration.Days.Value, "day")}");
            else if (rule.Expiration?.Date is { } date) phrases.Add($"current on {date:yyyy-MM-dd}");
            if (rule.Expiration?.ExpiredObjectDeleteMarker == true) phrases.Add("lone markers removed");
            if (rule.NoncurrentVersionExpiration?.NoncurrentDays is > 0) phrases.Add($"noncurrent after {Plural(rule.NoncurrentVersionExpiration.NoncurrentDays.Value, "day")}");
            if (rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation is > 0) phrases.Add($"uploads after {Plural(rule.AbortIncompleteMultipartUpload.DaysAfterInitiation.Value, "day")}");
        }
        var distinct = phrases.Distinct(StringComparer.Ordinal).ToList();
        var head = $"{Plural(enabled.Count, "rule")}";
        if (distinct.Count == 0) return head;
        var shown = string.Join("; ", distinct.Take(2));
        return $"{head}: {shown}{(distinct.Count > 2 ? "; …" : "")}";
    }

    private static string Plural(int n, string word) => n.ToString(CultureInfo.InvariantCulture) + " " + (n == 1 ? word : word + "s");
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Lifecycle;
using Strata.Engine.Buckets;
using Strata.Server.Background;
using Strata.Server.Xml;

namespace Strata.Server.Admin;

/// <summary>
/// POST /_strata/admin/lifecycle/run[?bucket=NAME]: applies the rules now and answers each bucket's figures once done.
/// GET /_strata/admin/lifecycle/BUCKET: the rules, the last run's figures and when the next scheduled run starts.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private async Task RunLifecycleAsync(HttpContext http)
    {
        var name = http.Request.Query["bucket"].ToString();
        BucketName? bucket = name.Length == 0 ? null : BucketName.TryParse(name, out var parsed) ? parsed : throw S3Fail.Exception(StrataError.InvalidBucketName);
        var reports = await lifecycle.RunAsync(bucket, http.RequestAborted);
        await WriteJsonAsync(http, w =>
        {
            w.WriteStartArray("runs");
            foreach (var r in reports)
            {
                w.WriteStartObject();
                w.WriteString("bucket", r.Bucket.Value);
                w.WriteNumber("examined", r.Examined);
                w.WriteNumber("removed", r.Removed);
                w.WriteNumber("markersAdded", r.MarkersAdded);
                w.WriteNumber("uploadsAborted", r.UploadsAborted);
                w.WriteNumber("bytesFreed", r.BytesFreed);
                w.WriteNumber("skipped", r.Skipped);
                w.WriteString("seconds", (r.Finished - r.Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private async Task LifecycleStatusAsync(HttpContext http, string name)
    {
        if (!BucketName.TryParse(name, out var bucket)) S3Fail.With(StrataError.InvalidBucketName);
        var document = engine.GetBucketConfig(bucket, BucketConfigKind.Lifecycle) ?? throw S3Fail.Exception(StrataError.NoSuchLifecycleConfiguration);
        var configuration = LifecycleConfigurationReader.Read(document);
        var last = LifecycleWorker.LastRun(engine, bucket);
        var info = engine.GetBucket(bucket);
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("bucket", bucket.Value);
            w.WriteStartArray("rules");
            foreach (var rule in configuration.Rules)
            {
                w.WriteStartObject();
                w.WriteString("id", rule.Id);
                w.WriteString("status", rule.Enabled ? "Enabled" : "Disabled");
                w.WriteString("filter", Describe(rule.Filter));
                w.WriteString("actions", Describe(rule));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            if (info.MfaDelete == Core.MfaDeleteState.Enabled)
            {
                w.WriteBoolean("mfaAuthorized", engine.GetBucketConfig(bucket, BucketConfigKind.LifecycleMfa) is not null);
            }
            if (last is null)
            {
                w.WriteString("lastRun", "never");
            }
            else
            {
                w.WriteString("lastRun", last.Started);
                w.WriteString("lastRunSeconds", (last.Finished - last.Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
                w.WriteNumber("examined", last.Examined);
                w.WriteNumber("removed", last.Removed);
                w.WriteNumber("markersAdded", last.MarkersAdded);
                w.WriteNumber("uploadsAborted", last.UploadsAborted);
                w.WriteNumber("bytesFreed", last.BytesFreed);
                w.WriteNumber("skipped", last.Skipped);
            }
            if (lifecycle.NextRun is { } next) w.WriteString("nextRun", next);
            else w.WriteString("nextRun", "only when asked (strata admin lifecycle run)");
        });
    }

    private static string Describe(LifecycleFilter filter)
    {
        var parts = new List<string>();
        if (filter.Prefix.Length > 0) parts.Add($"prefix '{filter.Prefix}'");
        foreach (var (key, value) in filter.Tags) parts.Add($"tag {key}={value}");
        if (filter.ObjectSizeGreaterThan is { } above) parts.Add($"size > {above}");
        if (filter.ObjectSizeLessThan is { } below) parts.Add($"size < {below}");
        return parts.Count == 0 ? "all objects" : string.Join(" and ", parts);
    }

    private static string Describe(LifecycleRule rule)
    {
        var parts = new List<string>();
        if (rule.ExpirationDays is { } days) parts.Add($"expire after {days} days");
        if (rule.ExpirationDate is { } date) parts.Add($"expire on {date:yyyy-MM-dd}");
        if (rule.ExpiredObjectDeleteMarker == true) parts.Add("remove expired delete markers");
        if (rule.NoncurrentDays is { } noncurrent)
        {
            parts.Add($"noncurrent versions after {noncurrent} days" + (rule.NewerNoncurrentVersions is { } keep ? $" beyond the newest {keep}" : ""));
        }
        if (rule.AbortDaysAfterInitiation is { } abort) parts.Add($"abort uploads after {abort} days");
        return string.Join("; ", parts);
    }
}

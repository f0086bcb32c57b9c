using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Scrub;

namespace Strata.Server.Admin;

/// <summary>
/// POST /_strata/admin/scrub[?bucket=NAME]: re-reads every stored body (of one bucket) now, unpaced, and answers the figures
/// and every damaged or missing body. GET /_strata/admin/scrub[?bucket=NAME]: the last scrub of that scope and what is
/// recorded as damaged now (including what GETs found since), without reading anything.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private async Task RunScrubAsync(HttpContext http)
    {
        var report = await scrub.RunAsync(ScrubBucket(http), bytesPerSecond: 0, http.RequestAborted);
        await WriteJsonAsync(http, w => WriteScrub(w, report));
    }

    private async Task LastScrubAsync(HttpContext http)
    {
        var bucket = ScrubBucket(http);
        if (bucket is { } named) engine.GetBucket(named);
        var report = engine.LastScrub(bucket);
        await WriteJsonAsync(http, w =>
        {
            if (report is null)
            {
                w.WriteString("scope", bucket?.Value ?? "all");
                // No scrub yet; what GETs found is recorded all the same.
                w.WriteString("lastRun", "never");
                WriteFindings(w, engine.DamagedBodies(bucket));
            }
            else
            {
                WriteScrub(w, report);
            }
            if (scrub.NextRun is { } next) w.WriteString("nextRun", next);
        });
    }

    private static BucketName? ScrubBucket(HttpContext http)
    {
        var name = http.Request.Query["bucket"].ToString();
        return name.Length == 0 ? null : BucketName.TryParse(name, out var parsed) ? parsed : throw S3Fail.Exception(StrataError.InvalidBucketName);
    }

    private static void WriteScrub(Utf8JsonWriter w, ScrubReport report)
    {
        w.WriteString("scope", report.Bucket?.Value ?? "all");
        w.WriteString("started", report.Started);
        w.WriteString("seconds", (report.Finished - report.Started).TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture));
        w.WriteNumber("versions", report.Versions);
        w.WriteNumber("bodies", report.Parts);
        w.WriteNumber("bytes", report.Bytes);
        w.WriteString("megabytesPerSecond", report.MegabytesPerSecond.ToString("0.0", CultureInfo.InvariantCulture));
        w.WriteNumber("checksumsAdded", report.HashesAdded);
        w.WriteString("algorithm", BodyHash.Algorithm);
        WriteFindings(w, report.Findings);
    }

    private static void WriteFindings(Utf8JsonWriter w, IReadOnlyList<ScrubFinding> findings)
    {
        w.WriteNumber("damaged", findings.Count);
        w.WriteStartArray("findings");
        foreach (var f in findings)
        {
            w.WriteStartObject();
            w.WriteString("bucket", f.Bucket.Value);
            w.WriteString("key", f.Key.Value);
            w.WriteString("versionId", f.VersionId.Value);
            w.WriteNumber("part", f.PartNumber);
            w.WriteString("problem", f.Problem);
            w.WriteString("detail", f.Detail);
            w.WriteString("found", f.Found);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
}

using System.Text.Json;
using Strata.Bench.Running;
using Strata.Bench.Workloads;

namespace Strata.Bench.Reporting;

/// <summary>
/// --json: {"run": {...}, "workloads": [one object per workload run]}. Each workload object carries workload,
/// opsPerSec, mbPerSec, p50Ms, p99Ms, errors, and with --baseline "limits" and "ratios".
/// </summary>
internal static class JsonReport
{
    public static void Write(BenchReport report, Stream output)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartObject("run");
        json.WriteString("startedAt", report.StartedAt);
        json.WriteString("endpoint", report.Endpoint);
        json.WriteNumber("durationSec", report.Settings.Duration.TotalSeconds);
        json.WriteNumber("warmupSec", report.Settings.Warmup.TotalSeconds);
        json.WriteBoolean("baseline", report.Settings.Baseline);
        json.WriteString("memorySource", report.MemorySource);
        json.WriteNumber("signerUsPerRequest", report.Signer.MicrosecondsPerRequest);
        json.WriteNumber("signerAllocBytesPerRequest", report.Signer.AllocatedBytesPerRequest);
        json.WriteNumber("errors", report.TotalErrors);
        json.WriteStartArray("notes");
        foreach (var note in report.Notes) json.WriteStringValue(note);
        json.WriteEndArray();
        json.WriteEndObject();

        json.WriteStartArray("workloads");
        foreach (var workload in report.Workloads)
        {
            json.WriteStartObject();
            json.WriteString("workload", workload.Workload);
            if (workload.Run is null)
            {
                json.WriteString("failure", workload.Failure);
                json.WriteNumber("errors", 1);
                json.WriteEndObject();
                continue;
            }
            if (workload.Run.Depth is { } depth) json.WriteNumber("depth", depth);
            Figures(json, workload.Run, withResources: true);
            json.WriteStartArray("notes");
            foreach (var note in workload.Run.Notes) json.WriteStringValue(note);
            json.WriteEndArray();
            if (workload.Disk is not null || workload.HttpCeiling is not null || workload.FirstDepth is not null)
            {
                json.WriteStartObject("limits");
                if (workload.Disk is { } disk)
                {
                    json.WriteStartObject("diskFsync");
                    Figures(json, disk, withResources: false);
                    json.WriteEndObject();
                }
                if (workload.HttpCeiling is { } http)
                {
                    json.WriteStartObject("httpCeiling");
                    Figures(json, http, withResources: false);
                    json.WriteEndObject();
                }
                json.WriteEndObject();
                json.WriteStartObject("ratios");
                Ratio(json, "toDiskFsync", workload.RatioToDisk);
                Ratio(json, "toHttpCeiling", workload.RatioToHttpCeiling);
                Ratio(json, "p50ToFirstDepth", workload.P50ToFirstDepth);
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void Ratio(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, Math.Round(v, 4));
    }

    private static void Figures(Utf8JsonWriter json, WorkloadRun run, bool withResources)
    {
        var m = run.Measurement;
        json.WriteString("target", run.Target);
        json.WriteNumber("sizeBytes", run.SizeBytes);
        json.WriteNumber("concurrency", run.Concurrency);
        json.WriteNumber("ops", m.Operations);
        json.WriteNumber("elapsedSec", Math.Round(m.Elapsed.TotalSeconds, 4));
        json.WriteNumber("opsPerSec", Math.Round(m.OpsPerSecond, 2));
        json.WriteNumber("mbPerSec", Math.Round(m.MegabytesPerSecond, 3));
        json.WriteNumber("p50Ms", Math.Round(m.P50Ms, 4));
        json.WriteNumber("p99Ms", Math.Round(m.P99Ms, 4));
        json.WriteNumber("maxMs", Math.Round(m.MaxMs, 4));
        json.WriteNumber("meanMs", Math.Round(m.MeanMs, 4));
        json.WriteNumber("errors", m.Errors);
        if (m.ErrorSamples.Count > 0)
        {
            json.WriteStartObject("errorKinds");
            foreach (var (kind, count) in m.ErrorSamples) json.WriteNumber(kind, count);
            json.WriteEndObject();
        }
        if (!withResources) return;
        Resources(json, m);
    }

    private static void Resources(Utf8JsonWriter json, Measurement m)
    {
        var r = m.Resources;
        json.WriteNumber("cpuUsPerOp", Math.Round(m.CpuMicrosecondsPerOp, 2));
        json.WriteNumber("allocBytesPerOp", Math.Round(m.AllocatedBytesPerOp, 0));
        if (m.ServerCpuMicrosecondsPerOp is { } server) json.WriteNumber("serverCpuUsPerOp", Math.Round(server, 2));
        json.WriteNumber("gen0", r.Gen0);
        json.WriteNumber("gen1", r.Gen1);
        json.WriteNumber("gen2", r.Gen2);
        json.WriteNumber("gcPauseMs", Math.Round(r.GcPause.TotalMilliseconds, 3));
        if (r.ServerRssPeakBytes is { } rss) json.WriteNumber("rssPeakBytes", rss);
        if (r.ServerHwmBytes is { } hwm) json.WriteNumber("vmHwmBytes", hwm);
    }
}

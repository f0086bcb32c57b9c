using System.Globalization;
using Strata.Bench.Running;
using Strata.Bench.Units;
using Strata.Bench.Workloads;

namespace Strata.Bench.Reporting;

/// <summary>
/// The readable form: one row per run, each limit under its workload. The ratios stand on Strata's row, where
/// the eye reads the figure they qualify: its ops/s over each limit's.
/// </summary>
internal static class TableReport
{
    private const string Format = "{0,-22} {1,-10} {2,7} {3,4} {4,11} {5,9} {6,9} {7,9} {8,9} {9,7} {10,8} {11,8} {12,9} {13,9} {14,8}";

    public static void Write(BenchReport report, TextWriter output)
    {
        var inv = CultureInfo.InvariantCulture;
        output.WriteLine();
        output.WriteLine($"strata bench {report.StartedAt:yyyy-MM-dd HH:mm:ss}Z against {report.Endpoint}; duration {DurationText.Format(report.Settings.Duration)} per run after {DurationText.Format(report.Settings.Warmup)} warm-up");
        output.WriteLine(string.Format(inv, Format, "workload", "target", "size", "conc", "ops/s", "MB/s", "p50 ms", "p99 ms", "max ms", "errors", "vs disk", "vs noop", "cpu us/op", "alloc/op", "rss MB"));
        foreach (var workload in report.Workloads)
        {
            if (workload.Run is null)
            {
                output.WriteLine($"{workload.Workload,-22} FAILED: {workload.Failure}");
                continue;
            }
            var name = workload.Run.Depth is { } depth ? $"{workload.Workload}@{depth.ToString(inv)}" : workload.Workload;
            Row(output, name, workload.Run, workload.RatioToDisk, workload.RatioToHttpCeiling, withCost: true);
            if (workload.Disk is { } disk) Row(output, "", disk, null, null, withCost: false);
            if (workload.HttpCeiling is { } http) Row(output, "", http, null, null, withCost: true);
            if (workload.P50ToFirstDepth is { } deeper)
            {
                output.WriteLine(string.Format(inv, "{0,-22} p50 page time {1:0.00}x that at depth {2}", "", deeper, workload.FirstDepth!.Depth));
            }
            foreach (var note in workload.Run.Notes) output.WriteLine($"{"",-22} note: {note}");
            foreach (var (kind, count) in workload.Run.Measurement.ErrorSamples) output.WriteLine($"{"",-22} error x{count}: {kind}");
        }
        output.WriteLine();
        if (report.Settings.Baseline)
        {
            output.WriteLine("vs disk, vs noop = strata ops/s over the ops/s of fsync'd disk writes and of the no-op HTTP server, each measured below it "
                + "at the same body size and concurrency (so also the MB/s ratio); 1.00x would mean Strata adds nothing to that limit.");
        }
        output.WriteLine($"memory: {report.MemorySource}. signer alone: {report.Signer.MicrosecondsPerRequest:0.00} us and {report.Signer.AllocatedBytesPerRequest:0} B per request.");
        foreach (var note in report.Notes) output.WriteLine("note: " + note);
        output.WriteLine($"errors in total: {report.TotalErrors}");
    }

    private static void Row(TextWriter output, string name, WorkloadRun run, double? toDisk, double? toNoop, bool withCost)
    {
        var inv = CultureInfo.InvariantCulture;
        var m = run.Measurement;
        output.WriteLine(string.Format(inv, Format,
            name, run.Target, run.SizeBytes > 0 ? ByteSize.Format(run.SizeBytes) : "-", run.Concurrency,
            m.OpsPerSecond.ToString("0.0", inv), m.MegabytesPerSecond.ToString("0.0", inv),
            m.P50Ms.ToString("0.000", inv), m.P99Ms.ToString("0.000", inv), m.MaxMs.ToString("0.0", inv), m.Errors,
            Ratio(toDisk), Ratio(toNoop),
            withCost ? m.CpuMicrosecondsPerOp.ToString("0", inv) : "",
            withCost ? Bytes(m.AllocatedBytesPerOp) : "",
            run.Target == "strata" && m.Resources.ServerRssPeakBytes is { } rss ? (rss / 1e6).ToString("0", inv) : ""));
    }

    private static string Ratio(double? ratio) => ratio is { } r ? r.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "";

    private static string Bytes(double value) =>
        value >= 1e6 ? (value / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "MB"
        : value >= 1e3 ? (value / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "KB"
        : value.ToString("0", CultureInfo.InvariantCulture) + "B";
}

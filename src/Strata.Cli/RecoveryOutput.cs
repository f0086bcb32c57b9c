using System.Diagnostics;
using System.Text.Json;
using Strata.Client.Recovery;

namespace Strata.Cli;

/// <summary>
/// Runs a recovery job the same way for every command: the plan first (a dry run stops there), then the work
/// with progress, then the report. Human text or one JSON document on stdout; the exit code says if anything failed.
/// </summary>
internal static class RecoveryOutput
{
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task<int> RunAsync(RecoveryJob job, string verb, string description, bool dryRun, bool json, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var plan = await job.PlanAsync(cancellationToken: cancellationToken);
        if (!json) PrintPlan(description, plan, dryRun);
        if (dryRun)
        {
            if (json) WriteJson(new { command = verb, description, dryRun = true, plan = PlanJson(plan) });
            return CommandErrors.Ok;
        }
        // The run walks again and decides from the state it finds, so it carries out what is left, not a stale list.
        var report = plan.Changes + plan.Refused == 0
            ? new RecoveryReport(plan, 0, 0, [], clock.Elapsed)
            : await ProgressDisplay.RunAsync(verb, plan, progress => job.RunAsync(progress, cancellationToken));
        var elapsed = clock.Elapsed;
        if (json) WriteJson(ReportJson(verb, description, report, elapsed));
        else PrintReport(report, elapsed);
        return report.Ok ? CommandErrors.Ok : CommandErrors.SomeFailed;
    }

    private static void PrintPlan(string description, RecoveryPlan plan, bool dryRun)
    {
        var o = Console.Out;
        o.WriteLine($"{(dryRun ? "Dry run, nothing will change" : "Plan")}: {description}");
        o.WriteLine($"  {Formats.Count(plan.KeysScanned)} keys walked: {Formats.Count(plan.KeysUnchanged)} already as wanted, {Formats.Count(plan.KeysNotApplicable)} not concerned");
        if (plan.Copies > 0) o.WriteLine($"  copy {Formats.Count(plan.Copies)} versions server-side ({Formats.Bytes(plan.CopyBytes)})");
        if (plan.Downloads > 0) o.WriteLine($"  download {Formats.Count(plan.Downloads)} versions ({Formats.Bytes(plan.DownloadBytes)})");
        if (plan.MarkersToAdd > 0) o.WriteLine($"  add {Formats.Count(plan.MarkersToAdd)} delete markers (keys that did not exist then; today's versions stay recoverable)");
        if (plan.MarkersToRemove > 0) o.WriteLine($"  remove {Formats.Count(plan.MarkersToRemove)} delete markers");
        if (plan.Refused > 0) o.WriteLine($"  refuse {Formats.Count(plan.Refused)} keys (listed at the end)");
        if (plan.DestinationExtras > 0) o.WriteLine($"  leave alone {Formats.Count(plan.DestinationExtras)} keys at the destination that are not in the snapshot");
        if (plan.Changes + plan.Refused == 0) o.WriteLine("  nothing to do");
    }

    private static void PrintReport(RecoveryReport report, TimeSpan elapsed)
    {
        var o = Console.Out;
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var rate = $"{Formats.Rate(report.Plan.KeysScanned / seconds)} keys/s";
        var attempted = report.Plan.Changes + report.Plan.Refused;
        if (report.Ok)
        {
            o.WriteLine($"Done in {seconds:0.0} s: {Formats.Count(report.Succeeded)} changes made, {Formats.Bytes(report.BytesDone)} moved, {Formats.Count(report.Plan.KeysScanned)} keys ({rate}).");
            return;
        }
        o.WriteLine($"Finished with {Formats.Count(report.Failures.Count)} failed in {seconds:0.0} s: {Formats.Count(report.Succeeded)} of {Formats.Count(attempted)} changes made ({rate}).");
        foreach (var failure in report.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            o.WriteLine($"  FAILED {failure.Key} ({failure.Step}): {failure.Message}");
        }
        o.WriteLine("Run the same command again after fixing the cause: what is already done is skipped.");
    }

    public static object PlanJson(RecoveryPlan plan) => new
    {
        plan.KeysScanned,
        plan.KeysUnchanged,
        plan.KeysNotApplicable,
        plan.Copies,
        plan.CopyBytes,
        plan.Downloads,
        plan.DownloadBytes,
        plan.MarkersToAdd,
        plan.MarkersToRemove,
        plan.Refused,
        plan.DestinationExtras,
        plan.Changes,
        plan.Bytes,
    };

    private static object ReportJson(string verb, string description, RecoveryReport report, TimeSpan elapsed) => new
    {
        command = verb,
        description,
        dryRun = false,
        ok = report.Ok,
        plan = PlanJson(report.Plan),
        succeeded = report.Succeeded,
        bytes = report.BytesDone,
        elapsedSeconds = Math.Round(elapsed.TotalSeconds, 3),
        keysPerSecond = Math.Round(report.Plan.KeysScanned / Math.Max(elapsed.TotalSeconds, 0.001), 1),
        failures = report.Failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new { f.Key, f.Step, f.Message }),
    };

    public static void WriteJson(object value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));
}

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
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true, Encoder = Formats.JsonEncoder };

    public static async Task<int> RunAsync(RecoveryJob job, string verb, string description, bool dryRun, bool json, CancellationToken cancellationToken)
    {
        if (json) return await RunJsonAsync(job, verb, description, dryRun, cancellationToken);
        var clock = Stopwatch.StartNew();
        var listing = new PlanListing();
        var plan = await job.PlanAsync(progress: null, listing.Add, cancellationToken);
        PrintPlan(description, plan, listing, dryRun);
        if (dryRun) return CommandErrors.Ok;
        var report = await CarryOutAsync(job, verb, plan, cancellationToken);
        PrintReport(report, clock.Elapsed);
        return report.Ok ? CommandErrors.Ok : CommandErrors.SomeFailed;
    }

    // One JSON document, written as the plan streams: every step is listed, and a plan of any size never sits in memory.
    // It starts with the first step (or the end of the walk), so a refusal before it (no such bucket, no
    // permission) leaves stdout empty; a writer abandoned by an exception is not flushed.
    private static async Task<int> RunJsonAsync(RecoveryJob job, string verb, string description, bool dryRun, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await using var stdout = Console.OpenStandardOutput();
        Utf8JsonWriter? started = null;
        Utf8JsonWriter Start()
        {
            if (started is not null) return started;
            started = new Utf8JsonWriter(stdout, Formats.JsonOutput);
            started.WriteStartObject();
            started.WriteString("command", verb);
            started.WriteString("description", description);
            started.WriteBoolean("dryRun", dryRun);
            started.WriteStartArray("steps");
            return started;
        }
        var plan = await job.PlanAsync(progress: null, step =>
        {
            var writer = Start();
            PlanListing.Write(writer, step);
            if (writer.BytesPending > 64 * 1024) writer.Flush();
        }, cancellationToken);
        var json = Start();
        json.WriteEndArray();
        var exit = CommandErrors.Ok;
        if (dryRun)
        {
            Write(json, "plan", PlanJson(plan));
        }
        else
        {
            var report = await CarryOutAsync(job, verb, plan, cancellationToken);
            var elapsed = clock.Elapsed;
            Write(json, "plan", PlanJson(report.Plan));
            json.WriteBoolean("ok", report.Ok);
            json.WriteNumber("succeeded", report.Succeeded);
            json.WriteNumber("bytes", report.BytesDone);
            json.WriteNumber("elapsedSeconds", Math.Round(elapsed.TotalSeconds, 3));
            json.WriteNumber("keysPerSecond", Math.Round(report.Plan.KeysScanned / Math.Max(elapsed.TotalSeconds, 0.001), 1));
            Write(json, "failures", report.Failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => new { f.Key, f.Step, f.Message }));
            exit = report.Ok ? CommandErrors.Ok : CommandErrors.SomeFailed;
        }
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
        await json.DisposeAsync();
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
        return exit;
    }

    // The run walks again and decides from the state it finds, so it carries out what is left, not a stale list.
    private static Task<RecoveryReport> CarryOutAsync(RecoveryJob job, string verb, RecoveryPlan plan, CancellationToken cancellationToken) =>
        plan.Changes + plan.Refused == 0
            ? Task.FromResult(new RecoveryReport(plan, 0, 0, [], TimeSpan.Zero))
            : ProgressDisplay.RunAsync(verb, plan, progress => job.RunAsync(progress, cancellationToken));

    private static void Write<T>(Utf8JsonWriter json, string name, T value)
    {
        json.WritePropertyName(name);
        JsonSerializer.Serialize(json, value, JsonOptions);
    }

    private static void PrintPlan(string description, RecoveryPlan plan, PlanListing listing, bool dryRun)
    {
        var o = Console.Out;
        o.WriteLine($"{(dryRun ? "Dry run, nothing will change" : "Plan")}: {description}");
        o.WriteLine($"  {Formats.Count(plan.KeysScanned, "key")} walked: {Formats.Count(plan.KeysUnchanged)} already as wanted, {Formats.Count(plan.KeysNotApplicable)} not concerned");
        if (plan.Copies > 0) o.WriteLine($"  copy {Formats.Count(plan.Copies, "version")} server-side ({Formats.Bytes(plan.CopyBytes)})");
        if (plan.Downloads > 0) o.WriteLine($"  download {Formats.Count(plan.Downloads, "version")} ({Formats.Bytes(plan.DownloadBytes)})");
        if (plan.MarkersToAdd > 0) o.WriteLine($"  add {Formats.Count(plan.MarkersToAdd, "delete marker")} (for keys that did not exist then; today's versions stay recoverable)");
        if (plan.MarkersToRemove > 0) o.WriteLine($"  remove {Formats.Count(plan.MarkersToRemove, "delete marker")}");
        if (plan.VersionsToMirror > 0) o.WriteLine($"  copy {Formats.Count(plan.VersionsToMirror, "version")} to the destination ({Formats.Bytes(plan.MirrorBytes)})");
        if (plan.MarkersToMirror > 0) o.WriteLine($"  make {Formats.Count(plan.MarkersToMirror, "delete marker")} at the destination");
        if (plan.AlreadyMirrored > 0) o.WriteLine($"  skip {Formats.Count(plan.AlreadyMirrored, "version")} already at the destination (markers included)");
        if (plan.Refused > 0) o.WriteLine($"  refuse {Formats.Count(plan.Refused, "key")}");
        if (plan.DestinationExtras > 0) o.WriteLine($"  leave alone {Formats.Count(plan.DestinationExtras, "key")} at the destination that {(plan.DestinationExtras == 1 ? "is" : "are")} not in the snapshot");
        if (plan.Changes + plan.Refused == 0)
        {
            o.WriteLine("  nothing to do");
            return;
        }
        o.WriteLine("  step by step, in key order:");
        listing.Print(o, plan);
    }

    private static void PrintReport(RecoveryReport report, TimeSpan elapsed)
    {
        var o = Console.Out;
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var rate = $"{Formats.Rate(report.Plan.KeysScanned / seconds)} keys/s";
        var attempted = report.Plan.Changes + report.Plan.Refused;
        if (report.Ok)
        {
            o.WriteLine($"Done in {seconds:0.0} s: {Formats.Count(report.Succeeded, "change")} made, {Formats.Bytes(report.BytesDone)} moved, {Formats.Count(report.Plan.KeysScanned, "key")} ({rate}).");
            return;
        }
        o.WriteLine($"Finished with {Formats.Count(report.Failures.Count)} failed in {seconds:0.0} s: {Formats.Count(report.Succeeded)} of {Formats.Count(attempted, "change")} made ({rate}).");
        foreach (var failure in report.Failures.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            o.WriteLine($"  FAILED {failure.Key} ({failure.Step}): {failure.Message}");
        }
        o.WriteLine("Run the same command again after fixing the cause: what is already done is skipped.");
    }

    private static object PlanJson(RecoveryPlan plan) => new
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
        plan.VersionsToMirror,
        plan.MirrorBytes,
        plan.MarkersToMirror,
        plan.AlreadyMirrored,
        plan.Changes,
        plan.Bytes,
    };
}

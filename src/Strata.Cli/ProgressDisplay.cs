using System.Diagnostics;
using Spectre.Console;
using Strata.Client.Recovery;

namespace Strata.Cli;

/// <summary>
/// Progress on stderr, so stdout stays clean for --json: a Spectre.Console bar with counts, bytes and rate on a
/// terminal, a plain line every few seconds otherwise (logs and CI). Short runs print nothing extra.
/// </summary>
internal static class ProgressDisplay
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    public static async Task<RecoveryReport> RunAsync(string verb, RecoveryPlan plan, Func<RecoveryProgress, Task<RecoveryReport>> work)
    {
        var progress = new RecoveryProgress();
        return Console.IsErrorRedirected
            ? await PlainAsync(verb, plan, progress, work(progress))
            : await BarAsync(plan, progress, work(progress));
    }

    private static async Task<RecoveryReport> BarAsync(RecoveryPlan plan, RecoveryProgress progress, Task<RecoveryReport> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var clock = Stopwatch.StartNew();
        return await console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var keys = context.AddTask("keys", maxValue: Math.Max(1, plan.KeysScanned));
                var changes = context.AddTask("changes", maxValue: Math.Max(1, plan.Changes + plan.Refused));
                var bytes = plan.Bytes > 0 ? context.AddTask("bytes", maxValue: plan.Bytes) : null;
                while (true)
                {
                    var finished = work.IsCompleted;
                    var seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    keys.Value = progress.KeysScanned;
                    keys.Description = $"keys {Formats.Count(progress.KeysScanned)}/{Formats.Count(plan.KeysScanned)} ({Formats.Rate(progress.KeysScanned / seconds)}/s)";
                    changes.Value = progress.StepsDone;
                    changes.Description = $"changes {Formats.Count(progress.StepsDone)}/{Formats.Count(plan.Changes + plan.Refused)}" + (progress.Failed > 0 ? $" [red]{Formats.Count(progress.Failed)} failed[/]" : "");
                    if (bytes is not null)
                    {
                        bytes.Value = progress.BytesDone;
                        bytes.Description = $"{Formats.Bytes(progress.BytesDone)}/{Formats.Bytes(plan.Bytes)} ({Formats.Bytes(progress.BytesDone / seconds)}/s)";
                    }
                    if (finished) break;
                    await Task.WhenAny(work, Task.Delay(200));
                }
                return await work;
            });
    }

    private static async Task<RecoveryReport> PlainAsync(string verb, RecoveryPlan plan, RecoveryProgress progress, Task<RecoveryReport> work)
    {
        var clock = Stopwatch.StartNew();
        while (await Task.WhenAny(work, Task.Delay(PlainInterval)) != work)
        {
            var seconds = clock.Elapsed.TotalSeconds;
            Console.Error.WriteLine($"{verb}: {Formats.Count(progress.KeysScanned)}/{Formats.Count(plan.KeysScanned)} keys walked, "
                + $"{Formats.Count(progress.StepsDone)}/{Formats.Count(plan.Changes + plan.Refused)} changes, {Formats.Bytes(progress.BytesDone)} "
                + $"({Formats.Rate(progress.KeysScanned / seconds)} keys/s, {Formats.Bytes(progress.BytesDone / seconds)}/s), {Formats.Count(progress.Failed)} failed");
        }
        return await work;
    }
}

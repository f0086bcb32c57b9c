using Microsoft.Extensions.Logging;
using Strata.Client.Recovery;

namespace Strata.WebConsole.Pages.Jobs;

/// <summary>
/// A point-in-time restore running in the background for one session: its live counters while it runs, then its
/// report (or why it stopped). Started by <see cref="SessionJobs"/>, which owns its task.
/// </summary>
public sealed partial class ConsoleJob
{
    public ConsoleJob(string id, string bucket, string prefix, DateTimeOffset at, RecoveryPlan plan, DateTimeOffset started)
    {
        Id = id;
        Bucket = bucket;
        Prefix = prefix;
        At = at;
        Plan = plan;
        Started = started;
    }

    public string Id { get; }
    public string Bucket { get; }
    public string Prefix { get; }

    /// <summary>The point in time the folder is restored to.</summary>
    public DateTimeOffset At { get; }

    /// <summary>The plan shown before Apply: what the run was expected to do.</summary>
    public RecoveryPlan Plan { get; }

    public DateTimeOffset Started { get; }

    public RecoveryProgress Progress { get; } = new();

    // How the run ended, published whole once (a page on another thread sees all of it or none of it).
    private sealed record Outcome(DateTimeOffset Finished, RecoveryReport? Report, string? Error);

    private Outcome? _outcome;

    public DateTimeOffset? Finished => Volatile.Read(ref _outcome)?.Finished;

    public RecoveryReport? Report => Volatile.Read(ref _outcome)?.Report;

    /// <summary>Why the run stopped before its end (the walk was refused, an unexpected error), in plain words.</summary>
    public string? Error => Volatile.Read(ref _outcome)?.Error;

    public bool IsRunning => Volatile.Read(ref _outcome) is null;

    /// <summary>The running task; kept so the job is owned, never a fire-and-forget.</summary>
    public Task? Task { get; private set; }

    public void Start(Func<RecoveryProgress, CancellationToken, Task<RecoveryReport>> run, TimeProvider time, ILogger log) =>
        Task = System.Threading.Tasks.Task.Run(async () =>
        {
            RecoveryReport? report = null;
            string? error = null;
            try
            {
                report = await run(Progress, CancellationToken.None);
            }
            catch (OperationCanceledException)
            {
                error = "The restore was stopped before its end; what was done stays done, and a new restore does only what is left.";
            }
            catch (Exception e) when (e is Strata.Client.StrataClientException or Amazon.Runtime.AmazonServiceException)
            {
                error = e.Message;
            }
            catch (Exception e)
            {
                // Owned here, not lost: the page says the run stopped, the log has the details (never a secret).
                LogFailed(log, Bucket, e);
                error = "The restore stopped on an unexpected error (the server's log has the details). What was done stays done; a new restore does only what is left.";
            }
            finally
            {
                Volatile.Write(ref _outcome, new Outcome(time.GetUtcNow(), report, error));
            }
        });

    [LoggerMessage(Level = LogLevel.Error, Message = "Console restore job in bucket {Bucket} failed")]
    private static partial void LogFailed(ILogger logger, string bucket, Exception error);
}

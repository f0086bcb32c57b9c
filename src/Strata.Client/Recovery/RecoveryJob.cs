using System.Diagnostics;
using System.Threading.Channels;
using Amazon.S3;

namespace Strata.Client.Recovery;

/// <summary>
/// A recovery as streaming passes over the history: <see cref="PlanAsync"/> counts the steps (a dry run stops
/// there), <see cref="RunAsync"/> carries them out with bounded concurrency. A plan of up to
/// <see cref="RecoveryOptions.MaxRememberedSteps"/> steps is kept and carried out as planned, so the listing is
/// walked once; a bigger plan is not kept and the run walks the history again, so memory stays flat at any size.
/// Steps are decided from the state found, so a run after an interruption does only what is left, and a second run nothing.
/// </summary>
public abstract class RecoveryJob
{
    private List<RecoveryStep>? _planned;
    private RecoveryPlan? _plannedCounts;

    /// <summary>Creates a job over <paramref name="s3"/>.</summary>
    protected RecoveryJob(IAmazonS3 s3, RecoveryOptions options)
    {
        S3 = s3;
        Options = options;
    }

    /// <summary>The client the job talks through.</summary>
    protected IAmazonS3 S3 { get; }

    /// <summary>How the job runs.</summary>
    protected RecoveryOptions Options { get; }

    /// <summary>Checks before any walk (the bucket's versioning, overlapping targets); throws <see cref="StrataClientException"/>.</summary>
    protected virtual Task CheckAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Walks the history and yields each step, counting every key in <paramref name="tally"/>.</summary>
    protected abstract IAsyncEnumerable<RecoveryStep> StepsAsync(RecoveryTally tally, CancellationToken cancellationToken);

    /// <summary>
    /// Walks the history and counts what a run would do; changes nothing. <paramref name="onStep"/> sees each
    /// planned step as it is found, in key order, so a plan of any size can be listed without being kept.
    /// </summary>
    /// <exception cref="StrataClientException">The walk or a check was refused; the message says why and what fixes it.</exception>
    public async Task<RecoveryPlan> PlanAsync(RecoveryProgress? progress = null, Action<RecoveryStep>? onStep = null, CancellationToken cancellationToken = default)
    {
        await CheckAsync(cancellationToken);
        var tally = new RecoveryTally(progress);
        var planned = new List<RecoveryStep>();
        await foreach (var step in StepsAsync(tally, cancellationToken))
        {
            onStep?.Invoke(step);
            if (planned is null) continue;
            if (planned.Count < Options.MaxRememberedSteps) planned.Add(step);
            else planned = null;
        }
        (_planned, _plannedCounts) = (planned, tally.Plan);
        return tally.Plan;
    }

    /// <summary>
    /// Carries out every step, <see cref="RecoveryOptions.Concurrency"/> at a time: the steps of the plan just made
    /// when it was kept, else those found by walking the history again.
    /// </summary>
    /// <exception cref="StrataClientException">The walk was refused; steps already done stay done, and a new run continues.</exception>
    public async Task<RecoveryReport> RunAsync(RecoveryProgress? progress = null, CancellationToken cancellationToken = default)
    {
        await CheckAsync(cancellationToken);
        progress ??= new RecoveryProgress();
        var clock = Stopwatch.StartNew();
        var tally = new RecoveryTally(progress);
        IAsyncEnumerable<RecoveryStep> steps;
        RecoveryPlan? remembered = null;
        if (_planned is { } planned && _plannedCounts is { } counts)
        {
            // Carry out the plan just made; taken once, so another RunAsync walks afresh.
            _planned = null;
            progress.KeysWalked(counts.KeysScanned);
            steps = RememberedAsync(planned);
            remembered = counts;
        }
        else
        {
            steps = StepsAsync(tally, cancellationToken);
        }
        var failures = new List<RecoveryFailure>();
        var executor = new StepExecutor(S3, Options, progress, failures);
        // Bounded: the walk stays a few pages ahead of the work, never the whole listing.
        var channel = Channel.CreateBounded<RecoveryStep>(new BoundedChannelOptions(Options.Concurrency * 4) { SingleWriter = true });
        using var stopWalk = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = ProduceAsync(channel.Writer, steps, stopWalk.Token);
        var workers = new Task[Math.Max(1, Options.Concurrency)];
        for (var i = 0; i < workers.Length; i++) workers[i] = WorkAsync(channel.Reader, executor, cancellationToken);
        try
        {
            await Task.WhenAll(workers);
        }
        catch when (producer.IsFaulted)
        {
            // The walk failed: its own exception, awaited below, is the one worth reporting.
        }
        catch
        {
            // A worker failed unexpectedly: stop the walk, which may be waiting on a full channel, and wait for it.
            await stopWalk.CancelAsync();
            await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
        await producer;
        await executor.FlushAsync(cancellationToken);
        long succeeded = progress.StepsDone - progress.Failed;
        lock (failures) return new RecoveryReport(remembered ?? tally.Plan, succeeded, progress.BytesDone, failures.ToArray(), clock.Elapsed);
    }

    private static async IAsyncEnumerable<RecoveryStep> RememberedAsync(List<RecoveryStep> steps)
    {
        foreach (var step in steps) yield return step;
        await Task.CompletedTask;
    }

    private static async Task ProduceAsync(ChannelWriter<RecoveryStep> writer, IAsyncEnumerable<RecoveryStep> steps, CancellationToken cancellationToken)
    {
        await Task.Yield();
        try
        {
            await foreach (var step in steps.WithCancellation(cancellationToken)) await writer.WriteAsync(step, cancellationToken);
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
            throw;
        }
    }

    private async Task WorkAsync(ChannelReader<RecoveryStep> reader, StepExecutor executor, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await foreach (var step in reader.ReadAllAsync(cancellationToken)) await ExecuteAsync(step, executor, cancellationToken);
    }

    /// <summary>Carries out one step; a job whose steps talk to a second endpoint (the mirror) carries out its own.</summary>
    private protected virtual Task ExecuteAsync(RecoveryStep step, StepExecutor executor, CancellationToken cancellationToken) =>
        executor.ExecuteAsync(step, cancellationToken);
}

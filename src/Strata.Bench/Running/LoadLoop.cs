using System.Diagnostics;
using Strata.Bench.Client;
using Strata.Bench.Stats;

namespace Strata.Bench.Running;

/// <summary>One worker's own state: its id, how many operations it started, a private Random and a key queue.</summary>
internal sealed class Worker(int id)
{
    public int Id { get; } = id;
    public long Sequence { get; set; }
    public Random Random { get; } = new(unchecked(id * 7919 + Environment.TickCount));
    public Queue<string> Keys { get; } = new();

    /// <summary>A key prefix made once per worker, so a request's key is one concatenation.</summary>
    public string Prefix { get; set; } = "";
}

/// <summary>
/// A closed loop: C workers each start an operation as soon as their previous one ends, for a warm-up and then
/// the measured window. Operations started in the window are counted to the end, and the elapsed time runs to
/// the last one's end, so a slow straggler costs rate rather than vanishing. Every error is counted by kind.
/// </summary>
internal static class LoadLoop
{
    private const int MaxErrorKinds = 20;

    /// <param name="operation">Returns the payload bytes it moved; throws on failure.</param>
    /// <param name="dedicatedThreads">For synchronous blocking operations (fsync), one thread per worker instead of the pool.</param>
    public static async Task<Measurement> RunAsync(int concurrency, TimeSpan duration, TimeSpan warmup, Func<Worker, ValueTask<long>> operation,
        ResourceProbe probe, bool dedicatedThreads = false, Action<Worker>? prepare = null)
    {
        concurrency = Math.Max(1, concurrency);
        var start = Stopwatch.GetTimestamp();
        var measureStart = start + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        var deadline = measureStart + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var states = new WorkerState[concurrency];
        var tasks = new Task[concurrency];
        for (var i = 0; i < concurrency; i++)
        {
            var worker = new Worker(i);
            prepare?.Invoke(worker);
            var state = states[i] = new WorkerState(worker);
            tasks[i] = dedicatedThreads
                ? Task.Factory.StartNew(() => RunWorkerAsync(state, operation, measureStart, deadline).GetAwaiter().GetResult(),
                    CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)
                : Task.Run(() => RunWorkerAsync(state, operation, measureStart, deadline));
        }

        var remaining = measureStart - Stopwatch.GetTimestamp();
        if (remaining > 0) await Task.Delay(TimeSpan.FromSeconds((double)remaining / Stopwatch.Frequency));
        var before = probe.Take();
        var sampler = probe.StartSampling();
        try
        {
            await Task.WhenAll(tasks);
        }
        finally
        {
            await sampler.DisposeAsync();
        }
        var rssPeak = sampler.Peak;
        var after = probe.Take();

        var latency = new LatencyHistogram();
        long operations = 0, bytes = 0, errors = 0, lastEnd = measureStart;
        var samples = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var state in states)
        {
            latency.Add(state.Latency);
            operations += state.Operations;
            bytes += state.Bytes;
            errors += state.Errors;
            lastEnd = Math.Max(lastEnd, state.LastEnd);
            foreach (var (kind, count) in state.ErrorKinds)
            {
                if (samples.Count < MaxErrorKinds || samples.ContainsKey(kind)) samples[kind] = samples.GetValueOrDefault(kind) + count;
            }
        }
        return new Measurement
        {
            Operations = operations,
            Bytes = bytes,
            Errors = errors,
            ErrorSamples = samples,
            Latency = latency,
            Elapsed = TimeSpan.FromSeconds((double)(lastEnd - measureStart) / Stopwatch.Frequency),
            Resources = probe.Delta(before, after, rssPeak),
        };
    }

    private sealed class WorkerState(Worker worker)
    {
        public Worker Worker { get; } = worker;
        public LatencyHistogram Latency { get; } = new();
        public Dictionary<string, long> ErrorKinds { get; } = new(StringComparer.Ordinal);
        public long Operations;
        public long Bytes;
        public long Errors;
        public long Measured;
        public long LastEnd;
    }

    private static async Task RunWorkerAsync(WorkerState state, Func<Worker, ValueTask<long>> operation, long measureStart, long deadline)
    {
        while (true)
        {
            var begin = Stopwatch.GetTimestamp();
            // Past the deadline a worker stops, unless a slow cold start kept it from one measured attempt:
            // then it makes one, and the elapsed time stretches to its end, so a tiny run still has a figure.
            if (begin >= deadline && state.Measured > 0) break;
            long moved = 0;
            string? error = null;
            try
            {
                moved = await operation(state.Worker);
            }
            catch (Exception failure)
            {
                error = Describe(failure);
            }
            var end = Stopwatch.GetTimestamp();
            state.Worker.Sequence++;
            // Errors count in the warm-up too: a failure is never hidden by when it happened.
            if (error is not null)
            {
                state.Errors++;
                state.ErrorKinds[error] = state.ErrorKinds.GetValueOrDefault(error) + 1;
            }
            if (begin < measureStart) continue;
            state.Measured++;
            state.LastEnd = end;
            if (error is not null) continue;
            state.Operations++;
            state.Bytes += moved;
            state.Latency.RecordTicks(end - begin);
        }
    }

    public static string Describe(Exception failure) => failure switch
    {
        BenchRequestException request => request.Message,
        HttpRequestException http => "HttpRequestException: " + (http.InnerException?.Message ?? http.Message),
        TaskCanceledException => "timeout",
        _ => failure.GetType().Name + ": " + failure.Message,
    };
}

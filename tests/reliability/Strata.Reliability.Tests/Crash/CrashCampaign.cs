using System.Diagnostics;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Crash;

/// <summary>What a campaign did and found.</summary>
internal sealed record CampaignResult(int KillCycles, int RecoveryKills, int RecoveryKillsBeforeServing, long AckedWrites, long AckedDeletes,
    long RequestsCut, int OrphansSweptAtStart, long WriteChecks, long DeleteChecks, long BodiesCompared, int OrphansFound, int BlobFiles,
    TimeSpan Elapsed, int Seed, MultipartFigures Multipart, long AckedCopies, long AckedBatchDeletes);

/// <summary>The multipart share of a campaign.</summary>
internal sealed record MultipartFigures(int Uploads, int AckedCompletions, int CutCompletions, long CutCompletionsLanded, long CutCompletionsNotLanded,
    int CutBeforeCompletion, long CompletionChecks, long PartChecks, long FoundOpenAndAborted, long BodiesCompared, int OrphansSweptAtFinalRestart);

/// <summary>
/// Start the published server, run concurrent traffic, SIGKILL it at a random moment, (optionally kill it again
/// while it recovers), start it on the same data directory and verify everything acknowledged so far. Repeat.
/// </summary>
internal sealed class CrashCampaign(ITestOutputHelper output)
{
    private const int Workers = 4;

    public async Task<CampaignResult> RunAsync(int cycles, bool killDuringRecovery)
    {
        var watch = Stopwatch.StartNew();
        var seed = Environment.GetEnvironmentVariable("STRATA_CRASH_SEED") is { } fixedSeed ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (STRATA_CRASH_SEED={seed} repeats the same kill moments and traffic choices)");
        var random = new Random(seed);
        using var sandbox = new Sandbox();
        var history = new History();
        const string versioned = "crash-versioned", plain = "crash-plain";
        var traffic = new Traffic(history, versioned, plain);
        var verifier = new Verifier(history, versioned, plain);
        var uploads = new UploadVerifier(history, versioned, plain);
        int recoveryKills = 0, killedBeforeServing = 0, orphans = 0, swept = 0, finalSweep = 0;

        var server = await PublishedServer.StartAsync(sandbox);
        try
        {
            using (var s3 = server.CreateClient())
            {
                await s3.PutBucketAsync(versioned);
                await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                {
                    BucketName = versioned,
                    VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
                });
                await s3.PutBucketAsync(plain);
            }

            for (var cycle = 1; cycle <= cycles; cycle++)
            {
                var prefix = $"c{cycle:D4}/";
                using (var s3 = server.CreateClient())
                using (var stop = new CancellationTokenSource())
                {
                    var running = traffic.RunAsync(s3, prefix, Workers, random.Next(), stop.Token);
                    await Task.Delay(random.Next(20, 700));
                    await server.KillAsync();
                    history.MarkKill();
                    await stop.CancelAsync();
                    await running;
                }
                await server.DisposeAsync();

                if (killDuringRecovery)
                {
                    var aim = server.StartTime.TotalMilliseconds * 1.5;
                    for (var k = random.Next(1, 3); k > 0; k--)
                    {
                        // Anywhere from before the process is up to just after it starts serving.
                        if (!await PublishedServer.StartAndKillAsync(sandbox, TimeSpan.FromMilliseconds(random.NextDouble() * aim))) killedBeforeServing++;
                        recoveryKills++;
                    }
                }

                server = await PublishedServer.StartAsync(sandbox);
                swept += server.OrphansSweptAtStart;
                var previous = $"c{cycle - 1:D4}/";
                using (var s3 = server.CreateClient())
                {
                    var problems = await verifier.VerifyAsync(s3, key => key.StartsWith(prefix, StringComparison.Ordinal) || key.StartsWith(previous, StringComparison.Ordinal));
                    problems.AddRange(await uploads.VerifyAndAbortAsync(s3));
                    orphans += await CountBlobMismatchAsync(s3, sandbox, history, problems, versioned, plain);
                    Fail(problems, cycle, seed, server);
                }
            }

            // Every body, byte for byte, after all the kills it lived through.
            using (var s3 = server.CreateClient())
            {
                var problems = await verifier.VerifyAsync(s3, _ => true);
                problems.AddRange(await uploads.VerifyAndAbortAsync(s3));
                Fail(problems, cycles, seed, server);
            }

            // Every upload is aborted now: one clean restart, whose sweep must find nothing left to remove.
            await server.StopAsync(TimeSpan.FromSeconds(35));
            await server.DisposeAsync();
            server = await PublishedServer.StartAsync(sandbox);
            finalSweep = server.OrphansSweptAtStart;
            using (var s3 = server.CreateClient())
            {
                var problems = new List<string>();
                orphans += await CountBlobMismatchAsync(s3, sandbox, history, problems, versioned, plain);
                Fail(problems, cycles, seed, server);
            }
            await server.StopAsync(TimeSpan.FromSeconds(35));
        }
        finally
        {
            await server.DisposeAsync();
        }

        var audit = BlobAudit.Run(sandbox);
        orphans += audit.Unreferenced.Count + finalSweep;
        BlobAudit.AssertClean(sandbox);
        Assert.True(finalSweep == 0, $"The restart after every upload was aborted removed {finalSweep} unreferenced blob file(s): an abort or a removal leaked them");
        Assert.Empty(sandbox.StrayEntries());

        var started = history.Uploads();
        var multipart = new MultipartFigures(started.Count, history.Count(o => o.IsAcked && o.Kind == OpKind.Complete),
            history.Count(o => !o.IsAcked && o.Kind == OpKind.Complete), uploads.CutCompletionsLanded, uploads.CutCompletionsNotLanded, started.Count(u => u.CutBeforeCompletion),
            uploads.CompletionChecks, uploads.PartChecks, uploads.FoundOpen, verifier.MultipartBodiesCompared, finalSweep);
        return new CampaignResult(cycles, recoveryKills, killedBeforeServing,
            history.Count(o => o.IsAcked && o.WritesObject), history.Count(o => o.IsAcked && !o.WritesObject),
            history.Count(o => !o.IsAcked), swept,
            verifier.WriteChecks, verifier.DeleteChecks, verifier.BodiesCompared, orphans, audit.Files, watch.Elapsed, seed, multipart,
            history.Count(o => o.IsAcked && o.Kind == OpKind.Copy), history.Count(o => o.IsAcked && o.InBatch));
    }

    /// <summary>
    /// While the server runs idle after its start-up sweep, with every multipart upload aborted, blob files must be
    /// exactly those of the listed versions: one per version above the inline threshold, or for an object made of
    /// parts, one per part above it. One more file is an orphan the sweep or an abort missed, one fewer a lost body.
    /// Returns the orphans.
    /// </summary>
    internal static async Task<int> CountBlobMismatchAsync(AmazonS3Client s3, Sandbox sandbox, History history, List<string> problems, params string[] buckets)
    {
        var expected = 0;
        foreach (var bucket in buckets)
        {
            foreach (var v in (await Verifier.ListVersionsAsync(s3, bucket)).Where(v => !v.IsMarker))
            {
                // A version no request sent is already a problem; count it as a plain PUT.
                expected += history.BodyOf(bucket, v.Key, v.ETag, v.Size)?.BlobFiles(Traffic.InlineThreshold) ?? (v.Size > Traffic.InlineThreshold ? 1 : 0);
            }
        }
        var files = sandbox.BlobFiles().Count;
        if (files != expected) problems.Add($"{files} blob files after start-up clean-up and aborts, but the listed versions hold {expected}");
        return Math.Max(0, files - expected);
    }

    private static void Fail(List<string> problems, int cycle, int seed, PublishedServer server)
    {
        if (problems.Count == 0) return;
        Assert.Fail($"After kill cycle {cycle} (seed {seed}), {problems.Count} problem(s):\n  " + string.Join("\n  ", problems.Take(40)) +
            $"\nServer output:\n{server.Output}");
    }
}

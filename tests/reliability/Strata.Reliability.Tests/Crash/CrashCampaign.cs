using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Crash;

/// <summary>What a campaign did and found.</summary>
internal sealed record CampaignResult(int KillCycles, int RecoveryKills, int RecoveryKillsBeforeServing, long AckedWrites, long AckedDeletes,
    long RequestsCut, int OrphansSweptAtStart, long WriteChecks, long DeleteChecks, long BodiesCompared, int OrphansFound, int BlobFiles,
    TimeSpan Elapsed, int Seed);

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
        int recoveryKills = 0, killedBeforeServing = 0, orphans = 0, swept = 0;

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
                    orphans += await CountBlobMismatchAsync(s3, sandbox, problems, versioned, plain);
                    Fail(problems, cycle, seed, server);
                }
            }

            // Every body, byte for byte, after all the kills it lived through.
            using (var s3 = server.CreateClient())
            {
                Fail(await verifier.VerifyAsync(s3, _ => true), cycles, seed, server);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }

        var (blobFiles, unreferenced, missing) = CompareBlobsWithMetadata(sandbox);
        orphans += unreferenced.Count;
        Assert.True(unreferenced.Count == 0, $"Blob files no metadata row references after start-up clean-up: {string.Join(", ", unreferenced)}");
        Assert.True(missing.Count == 0, $"Metadata rows whose blob file is missing: {string.Join(", ", missing)}");
        Assert.Empty(sandbox.StrayEntries());

        return new CampaignResult(cycles, recoveryKills, killedBeforeServing,
            history.Count(o => o.IsAcked && o.Kind == OpKind.Put), history.Count(o => o.IsAcked && o.Kind != OpKind.Put),
            history.Count(o => !o.IsAcked), swept,
            verifier.WriteChecks, verifier.DeleteChecks, verifier.BodiesCompared, orphans, blobFiles, watch.Elapsed, seed);
    }

    /// <summary>
    /// While the server runs idle after its start-up sweep, blob files must be exactly the listed versions above the
    /// inline threshold: one more file is an orphan the sweep missed, one fewer a lost body. Returns the orphans.
    /// </summary>
    private static async Task<int> CountBlobMismatchAsync(AmazonS3Client s3, Sandbox sandbox, List<string> problems, params string[] buckets)
    {
        var expected = 0;
        foreach (var bucket in buckets)
        {
            expected += (await Verifier.ListVersionsAsync(s3, bucket)).Count(v => !v.IsMarker && v.Size > Traffic.InlineThreshold);
        }
        var files = sandbox.BlobFiles().Count;
        if (files != expected) problems.Add($"{files} blob files after start-up clean-up, but {expected} listed versions are larger than {Traffic.InlineThreshold} bytes");
        return Math.Max(0, files - expected);
    }

    /// <summary>With the server stopped: blob files against the blob ids metadata.db references (read-only).</summary>
    private static (int Files, List<string> Unreferenced, List<string> Missing) CompareBlobsWithMetadata(Sandbox sandbox)
    {
        var referenced = new HashSet<string>(StringComparer.Ordinal);
        var database = Path.Combine(sandbox.DataDirectory, "metadata.db");
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT blob_id FROM versions WHERE blob_id IS NOT NULL";
            using var reader = command.ExecuteReader();
            while (reader.Read()) referenced.Add(reader.GetString(0));
        }
        var files = sandbox.BlobFiles();
        return (files.Count, files.Where(f => !referenced.Contains(f)).ToList(), referenced.Where(r => !files.Contains(r)).ToList());
    }

    private static void Fail(List<string> problems, int cycle, int seed, PublishedServer server)
    {
        if (problems.Count == 0) return;
        Assert.Fail($"After kill cycle {cycle} (seed {seed}), {problems.Count} problem(s):\n  " + string.Join("\n  ", problems.Take(40)) +
            $"\nServer output:\n{server.Output}");
    }
}

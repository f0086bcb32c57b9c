using System.Diagnostics;
using Strata.Reliability.Tests.Crash;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.PowerLoss;

/// <summary>What a power-cut campaign did and found.</summary>
internal sealed record PowerCutResult(int Cuts, long AckedWrites, long AckedDeletes, long RequestsCut, long LogRecords, long Syncs, long DirectorySyncs,
    long BytesLogged, long EntriesLost, long WriteChecks, long BodiesCompared, int OrphansSwept, List<string> Problems, TimeSpan Elapsed, int Seed);

/// <summary>
/// The crash campaign's traffic and verifier, with a power cut instead of a kill: the published server runs with
/// powercut.c preloaded, is killed at a random moment, and its data directory is then rebuilt from the shim's log
/// keeping only what had been fsynced (<see cref="PowerCutLog"/>). The next server starts on that directory and
/// every acknowledged write must be there, byte for byte.
/// </summary>
internal sealed class PowerCutCampaign(ITestOutputHelper output)
{
    private const int Workers = 4;
    private const string Versioned = "cut-versioned", Plain = "cut-plain";

    public async Task<PowerCutResult> RunAsync(int cycles, bool forgetDirectorySyncs)
    {
        var watch = Stopwatch.StartNew();
        var seed = Environment.GetEnvironmentVariable("STRATA_CRASH_SEED") is { } fixedSeed ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (STRATA_CRASH_SEED={seed} repeats the same cut moments and traffic choices)");
        var random = new Random(seed);
        using var sandbox = new Sandbox();
        var shim = Shim.Compile(sandbox.Root);
        var history = new History();
        var traffic = new Traffic(history, Versioned, Plain);
        var verifier = new Verifier(history, Versioned, Plain);
        var uploads = new UploadVerifier(history, Versioned, Plain);
        var problems = new List<string>();
        long records = 0, syncs = 0, directorySyncs = 0, bytes = 0, lost = 0;
        var swept = 0;
        var before = Path.Combine(sandbox.Root, "before");

        for (var cycle = 1; cycle <= cycles && problems.Count == 0; cycle++)
        {
            // The directory as the disk holds it now: all of it durable.
            CopyDirectory(sandbox.DataDirectory, before);
            var log = Path.Combine(sandbox.Root, $"cut-{cycle}.log");
            sandbox.ServerEnvironment["LD_PRELOAD"] = shim;
            sandbox.ServerEnvironment["STRATA_POWERCUT_DIR"] = sandbox.DataDirectory;
            sandbox.ServerEnvironment["STRATA_POWERCUT_LOG"] = log;
            if (forgetDirectorySyncs) sandbox.ServerEnvironment["STRATA_POWERCUT_IGNORE_DIRSYNC"] = "1";
            var server = await PublishedServer.StartAsync(sandbox);
            try
            {
                swept += server.OrphansSweptAtStart;
                using var s3 = server.CreateClient();
                if (cycle == 1) await CreateBucketsAsync(s3);
                else problems.AddRange(await VerifyAsync(s3, sandbox, history, verifier, uploads, $"c{cycle - 1:D4}/"));
                if (problems.Count > 0) break;

                traffic.PlainBodies = cycle % 2 == 1;
                using var stop = new CancellationTokenSource();
                var running = traffic.RunAsync(s3, $"c{cycle:D4}/", Workers, random.Next(), stop.Token);
                await Task.Delay(random.Next(300, 1500));
                await server.KillAsync();
                history.MarkKill();
                await stop.CancelAsync();
                await running;
            }
            finally
            {
                await server.DisposeAsync();
            }

            // The power cut: what was not fsynced is gone.
            var replay = new PowerCutLog(before);
            replay.Replay(log);
            Assert.True(replay.Unsupported.Count == 0, "The shim saw writes the replay cannot follow: " + string.Join("; ", replay.Unsupported.Take(5)));
            var after = Path.Combine(sandbox.Root, "after");
            if (Directory.Exists(after)) Directory.Delete(after, recursive: true);
            var (_, entriesLost) = replay.WriteSurvivors(after);
            Directory.Delete(sandbox.DataDirectory, recursive: true);
            Directory.Move(after, sandbox.DataDirectory);
            File.Delete(log);
            records += replay.Records;
            syncs += replay.Syncs;
            directorySyncs += replay.DirectorySyncs;
            bytes += replay.BytesWritten;
            lost += entriesLost;
            output.WriteLine($"cut {cycle}: {replay.Records} records, {replay.Syncs} file fsyncs, {replay.DirectorySyncs} directory fsyncs, {entriesLost} entries lost");
        }

        if (problems.Count == 0)
        {
            // Every body, byte for byte, on a server without the shim.
            sandbox.ServerEnvironment.Clear();
            await using var server = await PublishedServer.StartAsync(sandbox);
            swept += server.OrphansSweptAtStart;
            using var s3 = server.CreateClient();
            problems.AddRange(await VerifyAsync(s3, sandbox, history, verifier, uploads, $"c{cycles:D4}/"));
            if (problems.Count == 0)
            {
                try
                {
                    problems.AddRange(await verifier.VerifyAsync(s3, _ => true));
                }
                catch (AmazonS3Exception error)
                {
                    problems.Add($"verification refused: {error.ErrorCode} ({error.Message})");
                }
            }
        }

        return new PowerCutResult(cycles, history.Count(o => o.IsAcked && o.WritesObject), history.Count(o => o.IsAcked && !o.WritesObject),
            history.Count(o => !o.IsAcked), records, syncs, directorySyncs, bytes, lost, verifier.WriteChecks, verifier.BodiesCompared, swept, problems,
            watch.Elapsed, seed);
    }

    private static async Task CreateBucketsAsync(AmazonS3Client s3)
    {
        await s3.PutBucketAsync(Versioned);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Versioned,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        await s3.PutBucketAsync(Plain);
    }

    private static async Task<List<string>> VerifyAsync(AmazonS3Client s3, Sandbox sandbox, History history, Verifier verifier, UploadVerifier uploads, string lastPrefix)
    {
        try
        {
            var problems = await verifier.VerifyAsync(s3, key => key.StartsWith(lastPrefix, StringComparison.Ordinal));
            problems.AddRange(await uploads.VerifyAndAbortAsync(s3));
            await CrashCampaign.CountBlobMismatchAsync(s3, sandbox, history, problems, Versioned, Plain);
            return problems;
        }
        catch (AmazonS3Exception error)
        {
            // A bucket the cut lost (NoSuchBucket) is a problem like a lost version, not a crash of the test.
            return [$"verification refused: {error.ErrorCode} ({error.Message})"];
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        if (Directory.Exists(to)) Directory.Delete(to, recursive: true);
        Directory.CreateDirectory(to);
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories)) Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories)) File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}

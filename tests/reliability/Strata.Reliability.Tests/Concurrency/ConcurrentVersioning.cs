using System.Collections.Concurrent;
using Strata.Reliability.Tests.Crash;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Concurrency;

/// <summary>
/// The versioning model under concurrency, without kills: several clients PUT, DELETE (adding markers), DELETE
/// ?versionId and list the same three keys of a versioned bucket at once. Every request must be acknowledged.
/// Each listing taken during the traffic and the final state must agree with the acknowledgements (the
/// <see cref="History"/> clock and the crash runs' <see cref="Verifier"/>): every acknowledged version is listed
/// unless a DELETE ?versionId for it was sent, a version acknowledged before another was sent lies below it,
/// IsLatest is set exactly on the first version of each key, and ListObjectsV2 shows a key iff its top is no marker.
/// </summary>
public sealed class ConcurrentVersioning(ITestOutputHelper output)
{
    private const string Versioned = "concurrent-versioned";
    private const string Plain = "concurrent-plain"; // the Verifier checks a plain bucket too; this run leaves it empty
    private const int Workers = 6;
    private const int OpsPerWorker = 120;
    private static readonly string[] Keys = ["same/a", "same/b é", "same/c"];

    private sealed record Row(Listed Version, bool IsLatest);

    [Fact]
    public async Task Concurrent_writes_deletes_and_listings_of_the_same_keys_agree_with_what_was_acknowledged()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("STRATA_CONCURRENCY_SEED"), out var s) ? s : Environment.TickCount;
        output.WriteLine($"seed {seed} (STRATA_CONCURRENCY_SEED repeats the choices; the interleaving is the scheduler's)");
        using var sandbox = new Sandbox();
        await using var server = await PublishedServer.StartAsync(sandbox);
        using var s3 = server.CreateClient(TimeSpan.FromSeconds(30));
        await s3.PutBucketAsync(Versioned);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Versioned,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        await s3.PutBucketAsync(Plain);

        var history = new History();
        var problems = new ConcurrentQueue<string>();
        long listings = 0, listingChecks = 0;
        var nextBody = seed;

        async Task WorkAsync(int worker)
        {
            var random = new Random(HashCode.Combine(seed, worker));
            for (var i = 0; i < OpsPerWorker; i++)
            {
                var key = Keys[random.Next(Keys.Length)];
                var roll = random.Next(100);
                Op? op = null;
                try
                {
                    if (roll < 15)
                    {
                        Interlocked.Add(ref listingChecks, await CheckListingAsync(s3, history, problems));
                        Interlocked.Increment(ref listings);
                        continue;
                    }
                    if (roll < 35)
                    {
                        op = history.Begin(OpKind.Delete, Versioned, key);
                        var marker = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Versioned, Key = key });
                        history.Ack(op, marker.VersionId, null);
                        continue;
                    }
                    if (roll < 55 && history.ClaimVersionToDelete(Versioned, key, random) is { } victim)
                    {
                        op = history.Begin(OpKind.DeleteVersion, Versioned, key, versionId: victim);
                        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = Versioned, Key = key, VersionId = victim });
                        history.Ack(op, victim, null);
                        continue;
                    }
                    // Both sides of the 16 KiB inline threshold.
                    var body = Body.Create(Interlocked.Increment(ref nextBody), random.Next(2) == 0 ? random.Next(0, 2000) : random.Next(16 * 1024 + 1, 40 * 1024));
                    op = history.Begin(OpKind.Put, Versioned, key, body);
                    var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = Versioned, Key = key, InputStream = new MemoryStream(Body.Bytes(body.Seed, body.Size)) });
                    history.Ack(op, put.VersionId, put.ETag);
                }
                catch (Exception error) when (error is AmazonS3Exception or Amazon.Runtime.AmazonClientException or HttpRequestException or IOException or TaskCanceledException)
                {
                    // Nothing is killed here: every request must succeed.
                    problems.Enqueue($"{op?.ToString() ?? "listing"} failed: {error.GetType().Name} {error.Message}");
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Workers).Select(w => Task.Run(() => WorkAsync(w))));

        var verifier = new Verifier(history, Versioned, Plain);
        foreach (var problem in await verifier.VerifyAsync(s3, _ => true)) problems.Enqueue("final: " + problem);
        listingChecks += await CheckListingAsync(s3, history, problems);

        var acked = history.Count(o => o.IsAcked);
        var overlapping = Keys.Sum(k =>
        {
            var ops = history.OpsOf(Versioned, k).Where(o => o.IsAcked && o.Kind != OpKind.DeleteVersion).ToList();
            return ops.Sum(a => ops.Count(b => a.Sent < b.Sent && !a.FinishedBefore(b)));
        });
        Figures.Write(output, "concurrent_versioning", [
            ("workers", Workers), ("keys", Keys.Length),
            ("puts_acknowledged", history.Count(o => o.IsAcked && o.Kind == OpKind.Put)),
            ("markers_acknowledged", history.Count(o => o.IsAcked && o.Kind == OpKind.Delete)),
            ("version_deletes_acknowledged", history.Count(o => o.IsAcked && o.Kind == OpKind.DeleteVersion)),
            ("requests_not_acknowledged", history.Count(o => !o.IsAcked)),
            ("listings_during_traffic", listings), ("listing_checks", listingChecks),
            ("pairs_of_same_key_writes_in_flight_together", overlapping),
            ("final_write_checks", verifier.WriteChecks), ("final_delete_checks", verifier.DeleteChecks), ("bodies_compared", verifier.BodiesCompared),
            ("problems", problems.Count)]);
        Assert.True(acked > Workers * OpsPerWorker / 2, $"only {acked} requests were acknowledged");
        Assert.True(problems.IsEmpty, $"{problems.Count} problem(s):\n" + string.Join('\n', problems.Take(30)));
    }

    /// <summary>
    /// One ListObjectVersions of the bucket, checked against what was acknowledged before it was sent; returns the
    /// number of checks made. A version whose DELETE ?versionId was claimed (sent, or about to be) may be gone.
    /// </summary>
    private static async Task<long> CheckListingAsync(AmazonS3Client s3, History history, ConcurrentQueue<string> problems)
    {
        var sent = history.Tick();
        var rows = await ListAsync(s3);
        long checks = 0;
        foreach (var key in Keys)
        {
            var listed = rows.Where(r => r.Version.Key == key).ToList();
            for (var i = 0; i < listed.Count; i++)
            {
                checks++;
                if (listed[i].IsLatest != (i == 0)) problems.Enqueue($"listing @{sent}: {key} v={listed[i].Version.VersionId} at position {i} has IsLatest={listed[i].IsLatest}");
            }
            var position = new Dictionary<string, int>();
            for (var i = 0; i < listed.Count; i++) position.TryAdd(listed[i].Version.VersionId, i);
            var settled = history.OpsOf(Versioned, key).Where(o => o.Kind != OpKind.DeleteVersion && o.Acked < sent && !o.DeleteSent).ToList();
            foreach (var op in settled)
            {
                checks++;
                if (!position.TryGetValue(op.VersionId!, out var at)) problems.Enqueue($"listing @{sent}: acknowledged {op} is missing");
                else if (listed[at].Version.IsMarker != (op.Kind == OpKind.Delete)) problems.Enqueue($"listing @{sent}: {op} is listed as {(listed[at].Version.IsMarker ? "a marker" : "an object")}");
            }
            foreach (var newer in settled)
            {
                foreach (var older in settled.Where(o => o.FinishedBefore(newer)))
                {
                    checks++;
                    if (position.TryGetValue(newer.VersionId!, out var n) && position.TryGetValue(older.VersionId!, out var o) && n > o)
                    {
                        problems.Enqueue($"listing @{sent}: {older} is listed above {newer}, which was sent after it was acknowledged");
                    }
                }
            }
        }
        return checks;
    }

    private static async Task<List<Row>> ListAsync(AmazonS3Client s3)
    {
        var rows = new List<Row>();
        var request = new ListVersionsRequest { BucketName = Versioned, MaxKeys = 1000 };
        for (var page = 0; page < 100; page++)
        {
            var response = await s3.ListVersionsAsync(request);
            foreach (var v in response.Versions ?? []) rows.Add(new Row(new Listed(v.Key, v.VersionId, v.IsDeleteMarker == true, v.ETag, v.Size ?? 0), v.IsLatest == true));
            if (response.IsTruncated != true) return rows;
            request.KeyMarker = response.NextKeyMarker;
            request.VersionIdMarker = response.NextVersionIdMarker;
        }
        throw new InvalidOperationException("ListObjectVersions did not end within 100 pages");
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Data.Sqlite;
using Strata.Bench.Client;
using Strata.Bench.Stats;
using Strata.Core;
using Strata.Server.Hosting;

namespace Strata.Cli;

/// <summary>
/// `strata bench lifecycle`: one lifecycle pass over a bucket of N versions (10 per key; the 5 oldest of each key
/// noncurrent for 30 days, past the rule's 7, the rest newer), in a Strata started in this process, with 4 KiB GETs
/// running against the same server: wall time, versions/s, bytes freed, and GET p99 during the pass against p99
/// with no pass. The bucket is filled by writing its metadata rows directly while the server is stopped (100-byte
/// bodies kept inline), which takes seconds where 10^6 PUTs would take many minutes; the pass itself is the server's.
/// </summary>
internal static class LifecycleBenchCommand
{
    private const int BodyBytes = 100;
    private const string Bucket = "lifecycle-bench";
    private const string GetBucket = "lifecycle-bench-gets";

    public static Command Create()
    {
        var versions = new Option<int>("--versions") { Description = "Versions in the bucket (a multiple of --versions-per-key)", DefaultValueFactory = _ => 1_000_000 };
        var perKey = new Option<int>("--versions-per-key") { Description = "Versions per key; the older half expire", DefaultValueFactory = _ => 10 };
        var concurrency = new Option<int>("--get-concurrency") { Description = "4 KiB GETs in flight during the measurements", DefaultValueFactory = _ => 8 };
        var baselineSeconds = new Option<int>("--baseline-seconds") { Description = "How long GETs are measured with no pass running", DefaultValueFactory = _ => 10 };
        var dataDir = new Option<string?>("--data-dir") { Description = "Where the server's temporary data directory goes [default: the temp directory]" };
        var command = new Command("lifecycle", "Time one lifecycle pass over a bucket of many versions, with GET p99 during the pass against p99 without")
        {
            versions, perKey, concurrency, baselineSeconds, dataDir,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var total = parse.GetValue(versions);
            var each = parse.GetValue(perKey);
            if (each < 2 || total < each || total % each != 0) throw new FormatException("bench lifecycle: --versions must be a multiple of --versions-per-key (2 or more).");
            var directory = Path.Combine(parse.GetValue(dataDir) ?? Path.GetTempPath(), "strata-bench-lifecycle-" + Guid.NewGuid().ToString("N")[..8]);
            try
            {
                await RunAsync(directory, total / each, each, parse.GetValue(concurrency), TimeSpan.FromSeconds(parse.GetValue(baselineSeconds)), cancellationToken);
            }
            finally
            {
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                }
            }
            return CommandErrors.Ok;
        }));
        return command;
    }

    private static async Task RunAsync(string directory, int keys, int perKey, int concurrency, TimeSpan baseline, CancellationToken cancellationToken)
    {
        var accessKey = "BENCH" + RandomIds.UrlSafe32()[..15].ToUpperInvariant();
        var secretKey = RandomIds.UrlSafe32() + RandomIds.UrlSafe32();
        StrataServerOptions Options() => new()
        {
            DataDirectory = directory, Listen = "127.0.0.1:0", RootAccessKey = accessKey, RootSecretKey = secretKey, LifecycleInterval = TimeSpan.Zero,
        };

        var host = await StrataHost.StartAsync(Options(), TextWriter.Null, cancellationToken);
        await using (host)
        {
            using var s3 = new AmazonS3Client(new BasicAWSCredentials(accessKey, secretKey),
                new AmazonS3Config { ServiceURL = host.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1" });
            await s3.PutBucketAsync(Bucket, cancellationToken);
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = Bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } }, cancellationToken);
            await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
            {
                BucketName = Bucket,
                Configuration = new LifecycleConfiguration
                {
                    Rules = [new LifecycleRule { Id = "noncurrent-7-days", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "" },
                        NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 7 } }],
                },
            }, cancellationToken);
            await s3.PutBucketAsync(GetBucket, cancellationToken);
        }

        var fill = Stopwatch.StartNew();
        Fill(directory, keys, perKey);
        await Console.Error.WriteLineAsync($"filled {keys * perKey} versions ({keys} keys) in {fill.Elapsed.TotalSeconds:0.0} s");

        host = await StrataHost.StartAsync(Options(), TextWriter.Null, cancellationToken);
        await using (host)
        {
            using var client = new S3BenchClient(host.Endpoint, accessKey, secretKey, "us-east-1", concurrency + 4);
            var body = new byte[4096];
            Random.Shared.NextBytes(body);
            const int getKeys = 256;
            for (var i = 0; i < getKeys; i++) await client.PutObjectAsync(GetBucket, $"g{i}", body, cancellationToken);

            var idle = await MeasureGetsAsync(client, concurrency, getKeys, body.Length, Task.Delay(baseline, cancellationToken), cancellationToken);
            var clock = Stopwatch.StartNew();
            var pass = host.RunLifecycleAsync(Bucket, cancellationToken);
            var during = await MeasureGetsAsync(client, concurrency, getKeys, body.Length, pass, cancellationToken);
            var report = (await pass).Single();
            var seconds = clock.Elapsed.TotalSeconds;

            var rate = report.Examined / seconds;
            var p99Idle = idle.Percentile(99) / 1000.0;
            var p99During = during.Percentile(99) / 1000.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
                lifecycle pass: {report.Examined} versions examined, {report.Removed} removed, {report.BytesFreed} bytes freed
                wall time: {seconds:0.00} s ({rate:0} versions/s)
                4 KiB GET p99 with no pass: {p99Idle:0.00} ms ({idle.Count} GETs, concurrency {concurrency})
                4 KiB GET p99 during the pass: {p99During:0.00} ms ({during.Count} GETs), {p99During / p99Idle:0.00}x
                """));
        }
    }

    /// <summary>GETs of 4 KiB objects in a loop until <paramref name="until"/> completes; the latency histogram.</summary>
    private static async Task<LatencyHistogram> MeasureGetsAsync(S3BenchClient client, int concurrency, int keys, long length, Task until, CancellationToken cancellationToken)
    {
        var histograms = new LatencyHistogram[concurrency];
        var workers = new Task[concurrency];
        for (var w = 0; w < concurrency; w++)
        {
            var histogram = histograms[w] = new LatencyHistogram();
            var seed = w;
            workers[w] = Task.Run(async () =>
            {
                var n = seed;
                while (!until.IsCompleted && !cancellationToken.IsCancellationRequested)
                {
                    var started = Stopwatch.GetTimestamp();
                    await client.GetObjectAsync(GetBucket, $"g{n++ % keys}", length, cancellationToken);
                    histogram.RecordTicks(Stopwatch.GetTimestamp() - started);
                }
            }, cancellationToken);
        }
        await Task.WhenAll(workers);
        var all = new LatencyHistogram();
        foreach (var h in histograms) all.Add(h);
        return all;
    }

    /// <summary>
    /// Writes the bucket's versions straight into the stopped server's metadata: per key, the oldest half written 30
    /// days ago (so all but the newest of them have been noncurrent for 30 days), the newer half within the last day.
    /// </summary>
    private static void Fill(string directory, int keys, int perKey)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "metadata.db") }.ToString());
        connection.Open();
        long bucketId;
        using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT id FROM buckets WHERE name = $n";
            find.Parameters.AddWithValue("$n", Bucket);
            bucketId = (long)find.ExecuteScalar()!;
        }
        using var tx = connection.BeginTransaction();
        using var insert = connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO versions(bucket_id, key, version_id, is_marker, size, etag, modified_ms, headers, checksum, blob_id, inline, parts_count)
            VALUES($b, $k, $v, 0, $s, $e, $t, $h, NULL, NULL, $inline, 0) RETURNING seq
            """;
        var key = insert.Parameters.Add("$k", SqliteType.Blob);
        var version = insert.Parameters.Add("$v", SqliteType.Text);
        var time = insert.Parameters.Add("$t", SqliteType.Integer);
        insert.Parameters.AddWithValue("$b", bucketId);
        insert.Parameters.AddWithValue("$s", BodyBytes);
        var content = new byte[BodyBytes];
        insert.Parameters.AddWithValue("$e", ETag.FromMd5(System.Security.Cryptography.MD5.HashData(content)));
        insert.Parameters.AddWithValue("$h", Strata.Engine.Objects.ObjectHeaders.Empty.Serialize());
        insert.Parameters.AddWithValue("$inline", content);
        using var current = connection.CreateCommand();
        current.Transaction = tx;
        current.CommandText = "INSERT INTO current(bucket_id, key, seq) VALUES($b, $k, $s)";
        current.Parameters.AddWithValue("$b", bucketId);
        var currentKey = current.Parameters.Add("$k", SqliteType.Blob);
        var currentSeq = current.Parameters.Add("$s", SqliteType.Integer);
        insert.Prepare();
        current.Prepare();
        var now = DateTimeOffset.UtcNow;
        var old = now.AddDays(-30).ToUnixTimeMilliseconds();
        var recent = now.AddDays(-1).ToUnixTimeMilliseconds();
        for (var k = 0; k < keys; k++)
        {
            var keyBytes = System.Text.Encoding.UTF8.GetBytes($"objects/{k:D7}");
            key.Value = keyBytes;
            long seq = 0;
            for (var i = 0; i < perKey; i++)
            {
                version.Value = VersionId.NewId().Value;
                time.Value = i <= perKey / 2 ? old + i : recent + i;
                seq = (long)insert.ExecuteScalar()!;
            }
            currentKey.Value = keyBytes;
            currentSeq.Value = seq;
            current.ExecuteNonQuery();
        }
        tx.Commit();
    }
}

using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Strata.Bench;
using Strata.Bench.Client;
using Strata.Bench.Reporting;
using Strata.Bench.Units;
using Strata.Server.Hosting;

namespace Strata.Cli;

/// <summary>
/// `strata bench`: drives any S3 endpoint (or, with --server, a Strata started in this process) and prints
/// throughput and latency per workload; --baseline measures the machine's limits in the same run.
/// Progress goes to stderr, the table or JSON to stdout.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string?>("--endpoint-url") { Description = "S3 endpoint to drive, e.g. http://127.0.0.1:9000" };
        var server = new Option<bool>("--server") { Description = "Start a Strata server in this process on 127.0.0.1:0 with a temporary data directory, and drive it" };
        var serverPid = new Option<int?>("--server-pid") { Description = "Process id of a local server whose resident memory (VmHWM/VmRSS) and CPU to record" };
        var workloads = new Option<string[]>("--workload")
        {
            Description = "Workloads to run: put, get, large, overwrite, list, mixed (default all)",
            AllowMultipleArgumentsPerToken = true,
        };
        var duration = new Option<string>("--duration") { Description = "Measured time per run, e.g. 10s, 500ms", DefaultValueFactory = _ => "10s" };
        var warmup = new Option<string?>("--warmup") { Description = "Unmeasured time before each run (default 1s, at most a fifth of --duration)" };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight for put, get, overwrite and mixed", DefaultValueFactory = _ => 32 };
        var size = new Option<string>("--size") { Description = "Object size for put, get, overwrite and mixed, e.g. 4KiB", DefaultValueFactory = _ => "4KiB" };
        var largeSize = new Option<string>("--large-size") { Description = "Object size for large", DefaultValueFactory = _ => "64MiB" };
        var largeConcurrency = new Option<int>("--large-concurrency") { Description = "Requests in flight for large", DefaultValueFactory = _ => 4 };
        var multipartThreshold = new Option<string>("--multipart-threshold") { Description = "large: objects this big or bigger go as multipart uploads", DefaultValueFactory = _ => "16MiB" };
        var partSize = new Option<string>("--part-size") { Description = "large: multipart part size (at least 5MiB)", DefaultValueFactory = _ => "8MiB" };
        var partConcurrency = new Option<int>("--part-concurrency") { Description = "large: parts of one object in flight at once", DefaultValueFactory = _ => 4 };
        var objects = new Option<int>("--objects") { Description = "Objects written first for get and mixed to read", DefaultValueFactory = _ => 1000 };
        var overwriteKeys = new Option<int>("--overwrite-keys") { Description = "Keys the overwrite workload cycles through", DefaultValueFactory = _ => 16 };
        var listDepths = new Option<string>("--list-depths") { Description = "Versions under the listed prefix, comma-separated (add 1000000 for 10^6)", DefaultValueFactory = _ => "10000,100000" };
        var versionsPerKey = new Option<int>("--versions-per-key") { Description = "Versions per key in the list preload", DefaultValueFactory = _ => 10 };
        var baseline = new Option<bool>("--baseline") { Description = "Also measure the disk (fsync'd files) and a no-op HTTP endpoint, and print ratios" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory on the server's data file system for the disk baseline (default the temp dir)" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of the table" };
        var jsonFile = new Option<string?>("--json-file") { Description = "Also write the JSON to this file (the table still prints)" };
        var accessKey = new Option<string?>("--access-key") { Description = "Access key (default AWS_ACCESS_KEY_ID)" };
        var secretKey = new Option<string?>("--secret-key") { Description = "Secret key (default AWS_SECRET_ACCESS_KEY)" };
        var region = new Option<string?>("--region") { Description = "Region to sign for (default AWS_DEFAULT_REGION, then us-east-1)" };
        var bucket = new Option<string?>("--bucket") { Description = "Bucket to create and use (default strata-bench-<run id>)" };

        var command = new Command("bench", "Load-test an S3 endpoint: throughput and latency per workload, with the machine's limits measured in the same run.")
        {
            endpoint, server, serverPid, workloads, duration, warmup, concurrency, size, largeSize, largeConcurrency, multipartThreshold, partSize, partConcurrency,
            objects, overwriteKeys,
            listDepths, versionsPerKey, baseline, dataDir, json, jsonFile, accessKey, secretKey, region, bucket,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var progress = parse.InvocationConfiguration.Error;
            var inProcess = parse.GetValue(server);
            var url = parse.GetValue(endpoint);
            if (inProcess == (url is not null))
            {
                await progress.WriteLineAsync("strata bench: give exactly one of --endpoint-url URL or --server.");
                return 2;
            }
            if (!DurationText.TryParse(parse.GetValue(duration), out var measured) || measured <= TimeSpan.Zero
                || !ByteSize.TryParse(parse.GetValue(size), out var small) || small <= 0 || small > int.MaxValue
                || !ByteSize.TryParse(parse.GetValue(largeSize), out var large) || large <= 0 || large > int.MaxValue
                || !ByteSize.TryParse(parse.GetValue(multipartThreshold), out var threshold) || threshold <= 0
                || !ByteSize.TryParse(parse.GetValue(partSize), out var part) || part < 5L * 1024 * 1024 || part > int.MaxValue
                || !TryParseDepths(parse.GetValue(listDepths), out var depths))
            {
                await progress.WriteLineAsync("strata bench: --duration wants e.g. 10s, --size/--large-size e.g. 4KiB/64MiB (under 2 GiB), --part-size 5MiB or more, --list-depths e.g. 10000,100000.");
                return 2;
            }
            var warm = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, measured.Ticks / 5));
            if (parse.GetValue(warmup) is { } warmText && !DurationText.TryParse(warmText, out warm))
            {
                await progress.WriteLineAsync("strata bench: --warmup wants e.g. 1s.");
                return 2;
            }
            var chosen = parse.GetValue(workloads) is { Length: > 0 } named ? named : BenchSettings.AllWorkloads;
            foreach (var name in chosen)
            {
                if (Array.IndexOf(BenchSettings.AllWorkloads, name) < 0)
                {
                    await progress.WriteLineAsync($"strata bench: unknown workload '{name}' (known: {string.Join(", ", BenchSettings.AllWorkloads)}).");
                    return 2;
                }
            }
            var key = parse.GetValue(accessKey) ?? Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID");
            var secret = parse.GetValue(secretKey) ?? Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY");
            var signingRegion = parse.GetValue(region) ?? Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION") ?? "us-east-1";
            var dataDirectory = parse.GetValue(dataDir) ?? Path.GetTempPath();

            StrataHost? host = null;
            string? serverData = null;
            try
            {
                if (inProcess)
                {
                    // A throwaway server: fresh keys unless given, data on the --data-dir file system so the disk baseline matches.
                    key ??= "BENCH" + RandomNumberGenerator.GetHexString(15);
                    secret ??= RandomNumberGenerator.GetHexString(40, lowercase: true);
                    serverData = Path.Combine(dataDirectory, "strata-bench-server-" + Guid.NewGuid().ToString("N")[..8]);
                    host = await StrataHost.StartAsync(new StrataServerOptions
                    {
                        DataDirectory = serverData,
                        Listen = "127.0.0.1:0",
                        Region = signingRegion,
                        RootAccessKey = key,
                        RootSecretKey = secret,
                    }, TextWriter.Null, cancellationToken);
                    await progress.WriteLineAsync($"in-process Strata at {host.Endpoint}, data in {serverData}");
                }
                if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
                {
                    await progress.WriteLineAsync("strata bench: no credentials (--access-key/--secret-key or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).");
                    return 2;
                }
                var settings = new BenchSettings
                {
                    Endpoint = host?.Endpoint ?? new Uri(url!),
                    AccessKey = key,
                    SecretKey = secret,
                    Region = signingRegion,
                    Workloads = chosen,
                    Duration = measured,
                    Warmup = warm,
                    Concurrency = Math.Max(1, parse.GetValue(concurrency)),
                    Size = small,
                    LargeSize = large,
                    LargeConcurrency = Math.Max(1, parse.GetValue(largeConcurrency)),
                    MultipartThreshold = threshold,
                    PartSize = part,
                    PartConcurrency = Math.Max(1, parse.GetValue(partConcurrency)),
                    Objects = Math.Max(1, parse.GetValue(objects)),
                    OverwriteKeys = Math.Max(1, parse.GetValue(overwriteKeys)),
                    ListDepths = depths,
                    VersionsPerKey = Math.Max(1, parse.GetValue(versionsPerKey)),
                    Baseline = parse.GetValue(baseline),
                    DataDirectory = dataDirectory,
                    ServerPid = parse.GetValue(serverPid),
                    ServerInProcess = inProcess,
                    Bucket = parse.GetValue(bucket),
                };
                BenchReport report;
                try
                {
                    report = await new BenchRunner(settings, progress).RunAsync(cancellationToken);
                }
                catch (Exception failure) when (failure is BenchRequestException or HttpRequestException)
                {
                    // Before any workload: the bucket could not be set up (credentials, permissions, endpoint).
                    await progress.WriteLineAsync($"strata bench: could not set up the bench bucket on {settings.Endpoint}: {failure.Message}");
                    return 3;
                }
                if (parse.GetValue(jsonFile) is { } path)
                {
                    await using var file = File.Create(path);
                    JsonReport.Write(report, file);
                }
                if (parse.GetValue(json))
                {
                    using var buffer = new MemoryStream();
                    JsonReport.Write(report, buffer);
                    await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                }
                else
                {
                    TableReport.Write(report, output);
                }
                return report.TotalErrors == 0 ? 0 : 1;
            }
            finally
            {
                if (host is not null) await host.DisposeAsync();
                if (serverData is not null)
                {
                    try
                    {
                        Directory.Delete(serverData, recursive: true);
                    }
                    catch (IOException)
                    {
                    }
                }
            }
        });
        return command;
    }

    private static bool TryParseDepths(string? text, out long[] depths)
    {
        var parts = (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        depths = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            // 1e6 reads as 10^6; plain counts too.
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 1 || value > 1e9) return false;
            depths[i] = (long)value;
        }
        return depths.Length > 0;
    }
}

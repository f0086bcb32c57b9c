using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using Strata.Bench;
using Strata.Bench.Client;
using Strata.Bench.Reporting;
using Strata.Bench.Units;
using Strata.Client.Connection;
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
        var connection = new EndpointOptions();
        var server = new Option<bool>("--server") { Description = "Start a Strata server in this process on 127.0.0.1:0 with a temporary data directory, and drive it (instead of --endpoint-url)" };
        var serverPid = new Option<int?>("--server-pid") { Description = "Process id of a local server whose resident memory (VmHWM/VmRSS) and CPU to record" };
        var workloads = new Option<string[]>("--workload")
        {
            Description = "Workloads to run, in order: put, get, large, overwrite, list, mixed; a list as put,get or put get, or --workload repeated [default: all]",
            AllowMultipleArgumentsPerToken = true,
        };
        var duration = new Option<string>("--duration") { Description = "Measured time of each run: 500ms, 10s, 2m, 1m30s (a bare number is seconds)", DefaultValueFactory = _ => "10s" };
        var warmup = new Option<string?>("--warmup") { Description = "Unmeasured time before each run, same units [default: a fifth of --duration, at most 1s]" };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight for put, get, overwrite and mixed", DefaultValueFactory = _ => 32 };
        var size = new Option<string>("--size") { Description = "Object size for put, get, overwrite and mixed: 4KiB (1024-based KiB, MiB, GiB), 4KB (1000-based), or bytes", DefaultValueFactory = _ => "4KiB" };
        var largeSize = new Option<string>("--large-size") { Description = "Object size for large, same units, under 2GiB", DefaultValueFactory = _ => "64MiB" };
        var largeConcurrency = new Option<int>("--large-concurrency") { Description = "Objects in flight for large", DefaultValueFactory = _ => 4 };
        var multipartThreshold = new Option<string>("--multipart-threshold") { Description = "large: objects of this size or more go as multipart uploads", DefaultValueFactory = _ => "16MiB" };
        var partSize = new Option<string>("--part-size") { Description = "large: multipart part size, 5MiB or more", DefaultValueFactory = _ => "8MiB" };
        var partConcurrency = new Option<int>("--part-concurrency") { Description = "large: parts of one object in flight at once", DefaultValueFactory = _ => 4 };
        var objects = new Option<int>("--objects") { Description = "Objects written first for get and mixed to read", DefaultValueFactory = _ => 1000 };
        var overwriteKeys = new Option<int>("--overwrite-keys") { Description = "Keys the overwrite workload cycles through", DefaultValueFactory = _ => 16 };
        var listDepths = new Option<string[]>("--list-depths")
        {
            Description = "list: versions under each listed prefix, as 10000,100000 or 10000 100000 or the option repeated; 1e6 is 10^6 [default: 10000,100000]",
            AllowMultipleArgumentsPerToken = true,
        };
        var versionsPerKey = new Option<int>("--versions-per-key") { Description = "list: versions per key in the preload", DefaultValueFactory = _ => 10 };
        var baseline = new Option<bool>("--baseline") { Description = "Also measure fsync'd disk writes and a no-op HTTP server in the same run, and print Strata's ratio to each" };
        var dataDir = new Option<string?>("--data-dir") { Description = "Directory on the server's data file system for the disk baseline (and the --server data) [default: the temp directory]" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of the table" };
        var jsonFile = new Option<string?>("--json-file") { Description = "Also write the JSON to this file (the table still prints)" };
        var accessKey = new Option<string?>("--access-key") { Description = "Access key [default: --profile's, AWS_ACCESS_KEY_ID, then the AWS_PROFILE or default profile's; with --server and none of these, a fresh random key]" };
        var secretKey = new Option<string?>("--secret-key") { Description = "Secret key [default: as --access-key]" };
        var bucket = new Option<string?>("--bucket") { Description = "Bucket to use, created unless it exists [default: strata-bench-<run id>]" };
        var keep = new Option<bool>("--keep") { Description = "Leave the objects this run wrote, and the bucket it created, in place (by default the run removes them; a bucket that existed stays)" };

        var command = new Command("bench", "Load-test an S3 endpoint: throughput and latency per workload, with the machine's limits measured in the same run.")
        {
            server, serverPid, workloads, duration, warmup, concurrency, size, largeSize, largeConcurrency, multipartThreshold, partSize, partConcurrency,
            objects, overwriteKeys,
            listDepths, versionsPerKey, baseline, dataDir, json, jsonFile, accessKey, secretKey, bucket, keep,
        };
        command.Subcommands.Add(LifecycleBenchCommand.Create());
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var progress = parse.InvocationConfiguration.Error;
            var inProcess = parse.GetValue(server);
            if (inProcess && parse.GetValue(connection.EndpointUrl) is not null) throw new FormatException("bench: give --endpoint-url URL or --server, not both.");
            var endpoint = inProcess ? null : connection.Resolve(parse);
            if (!inProcess && connection.Endpoint is null) throw new FormatException("bench: give --endpoint-url URL (or AWS_ENDPOINT_URL), or --server to drive a Strata started in this process.");
            if (!DurationText.TryParse(parse.GetValue(duration), out var measured) || measured <= TimeSpan.Zero
                || !ByteSize.TryParse(parse.GetValue(size), out var small) || small <= 0 || small > int.MaxValue
                || !ByteSize.TryParse(parse.GetValue(largeSize), out var large) || large <= 0 || large > int.MaxValue
                || !ByteSize.TryParse(parse.GetValue(multipartThreshold), out var threshold) || threshold <= 0
                || !ByteSize.TryParse(parse.GetValue(partSize), out var part) || part < 5L * 1024 * 1024 || part > int.MaxValue
                || !TryParseDepths(ListValues(parse.GetValue(listDepths)), out var depths))
            {
                throw new FormatException("bench: --duration wants e.g. 10s, --size/--large-size e.g. 4KiB/64MiB (under 2 GiB), --part-size 5MiB or more, --list-depths e.g. 10000,100000.");
            }
            var warm = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(1).Ticks, measured.Ticks / 5));
            if (parse.GetValue(warmup) is { } warmText && !DurationText.TryParse(warmText, out warm)) throw new FormatException("bench: --warmup wants e.g. 1s.");
            var named = ListValues(parse.GetValue(workloads));
            var chosen = named.Length > 0 ? named : BenchSettings.AllWorkloads;
            foreach (var name in chosen)
            {
                if (Array.IndexOf(BenchSettings.AllWorkloads, name) < 0)
                {
                    throw new FormatException($"bench: unknown workload '{name}' (known: {string.Join(", ", BenchSettings.AllWorkloads)}).");
                }
            }
            var options = endpoint ?? new Strata.Client.Connection.S3ConnectionOptions { Profile = parse.GetValue(connection.Profile), Region = parse.GetValue(connection.Region) };
            var resolved = parse.GetValue(accessKey) is null || parse.GetValue(secretKey) is null ? S3Connection.ResolveKeys(options) : null;
            var key = parse.GetValue(accessKey) ?? resolved?.AccessKey;
            var secret = parse.GetValue(secretKey) ?? resolved?.SecretKey;
            var signingRegion = S3Connection.ResolveRegion(options);
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
                    throw new FormatException("bench: no credentials: --access-key and --secret-key, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or --profile NAME.");
                }
                var settings = new BenchSettings
                {
                    Endpoint = host?.Endpoint ?? connection.Endpoint!,
                    CaBundle = inProcess ? null : endpoint!.CaBundle,
                    Keep = parse.GetValue(keep),
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
                    var reason = await ConnectionFailure.ExplainAsync(failure, settings.Endpoint, settings.CaBundle, CancellationToken.None) ?? failure.Message;
                    await progress.WriteLineAsync($"strata: bench could not set up the bench bucket on {settings.Endpoint}: {reason}");
                    return CommandErrors.Refused;
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
                return report.TotalErrors == 0 ? CommandErrors.Ok : CommandErrors.SomeFailed;
            }
            finally
            {
                if (host is not null) await host.DisposeAsync();
                if (serverData is not null && parse.GetValue(keep))
                {
                    await progress.WriteLineAsync($"strata bench: the in-process server's data is kept in {serverData} (--keep).");
                }
                else if (serverData is not null)
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
        }, connection, interrupted: "Interrupted.", error: parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>A list option's values as typed: put,get and put get and --workload put --workload get all give [put, get].</summary>
    private static string[] ListValues(string[]? values) =>
        values is null ? [] : values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();

    private static bool TryParseDepths(string[] parts, out long[] depths)
    {
        if (parts.Length == 0) parts = ["10000", "100000"];
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

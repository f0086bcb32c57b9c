using System.CommandLine;
using Strata.Server.Hosting;

namespace Strata.Cli;

/// <summary>
/// `strata serve`: each setting from the command line, else its STRATA_* environment variable, else the --config JSON
/// file, else its default (<see cref="ServeSettings"/>; every setting is listed in docs/CONFIG.md).
/// </summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = new Option<string?>("--data") { Description = "Data directory (default ./strata-data; env STRATA_DATA)" };
        var listen = new Option<string?>("--listen") { Description = "HOST:PORT to listen on (default 127.0.0.1:9000; env STRATA_LISTEN)" };
        var region = new Option<string?>("--region") { Description = "Region name the server answers for (default us-east-1; env STRATA_REGION)" };
        var domain = new Option<string?>("--domain") { Description = "Base domain for virtual-hosted-style requests (default localhost; env STRATA_DOMAIN)" };
        var tls = new Option<bool>("--tls") { Description = "Serve HTTPS (a certificate is generated in DATA/tls/ unless --tls-cert/--tls-key are given; env STRATA_TLS)" };
        var tlsCert = new Option<string?>("--tls-cert") { Description = "PEM certificate (chain) for HTTPS (env STRATA_TLS_CERT)" };
        var tlsKey = new Option<string?>("--tls-key") { Description = "PEM private key for HTTPS (env STRATA_TLS_KEY)" };
        var accessLog = new Option<bool>("--access-log") { Description = "Print one line per S3 request: id, key id, method, path, operation, status, error code, bytes, time (env STRATA_ACCESS_LOG)" };
        var maxConnections = new Option<int?>("--max-connections") { Description = "Open connections accepted at once; more are closed at once (default 4096; env STRATA_MAX_CONNECTIONS)" };
        var sigV2 = new Option<string?>("--sigv2") { Description = "Accept Signature Version 2 requests and presigned URLs: on or off (default on; env STRATA_SIGV2)" };
        var ownership = new Option<string?>("--default-object-ownership")
        {
            Description = "Object Ownership of buckets created without one: none (ACLs apply; the default), ObjectWriter, BucketOwnerPreferred or BucketOwnerEnforced (S3's default; env STRATA_DEFAULT_OBJECT_OWNERSHIP)",
        };
        var lifecycleInterval = new Option<string?>("--lifecycle-interval")
        {
            Description = "How often lifecycle rules are applied, e.g. 1h, 30m; 0 only on `strata admin lifecycle run` (default 1h; env STRATA_LIFECYCLE_INTERVAL)",
        };
        var configFile = new Option<string?>(ServeSettings.ConfigOption) { Description = "JSON file of settings: the options below in camelCase, e.g. { \"listen\": \"0.0.0.0:9000\", \"maxConnections\": 1000 } (env STRATA_CONFIG)" };
        var minFreeSpace = new Option<string?>("--min-free-space")
        {
            Description = "Free space the data directory's file system keeps, else /_strata/ready answers 503: a size (1GiB, 500MB) or a percentage (5%) (default 1GiB; env STRATA_MIN_FREE_SPACE)",
        };
        var scrubInterval = new Option<string?>("--scrub-interval")
        {
            Description = "How often every stored body is re-read against its checksum, e.g. 24h, 168h; 0 only on `strata admin scrub` (default 0; env STRATA_SCRUB_INTERVAL)",
        };
        var scrubRate = new Option<string?>("--scrub-rate")
        {
            Description = "The most MB/s (10^6 bytes) a scheduled scrub reads, so it leaves the disk to requests; 0 unpaced (default 50; env STRATA_SCRUB_RATE)",
        };
        var metricsListen = new Option<string?>("--metrics-listen")
        {
            Description = "HOST:PORT of a separate plain-HTTP listener for /metrics (default: /metrics on the S3 port; env STRATA_METRICS_LISTEN)",
        };
        var noConsole = new Option<bool>("--no-console") { Description = "Turn off the web console at /_strata/console/ (its paths answer 404; env STRATA_NO_CONSOLE)" };
        var consoleIdleTimeout = new Option<string?>("--console-idle-timeout")
        {
            Description = "A web console session unused this long ends, e.g. 15m, 1h (default 15m; env STRATA_CONSOLE_IDLE_TIMEOUT)",
        };
        var metricsPublic = new Option<bool>("--metrics-public") { Description = "Answer /metrics to any address, not only loopback (env STRATA_METRICS_PUBLIC)" };
        var command = new Command("serve", "Run the S3-compatible server on the embedded default: SQLite metadata and object files in one data directory.")
        {
            configFile, data, listen, region, domain, tls, tlsCert, tlsKey, accessLog, maxConnections, sigV2, lifecycleInterval, ownership, minFreeSpace, scrubInterval, scrubRate,
            metricsListen, metricsPublic, noConsole, consoleIdleTimeout,
        };
        var replication = new ServeReplicationOptions();
        replication.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var layered = ServeSettings.Layer(parse, command, Environment.GetEnvironmentVariable);
            if (layered.Refusal is not null)
            {
                await Console.Error.WriteLineAsync($"strata serve: {layered.Refusal}");
                return layered.ExitCode;
            }
            parse = layered.Parse!;
            var options = new StrataServerOptions
            {
                DataDirectory = parse.GetValue(data) ?? "./strata-data",
                Listen = parse.GetValue(listen) ?? "127.0.0.1:9000",
                Region = parse.GetValue(region) ?? "us-east-1",
                BaseDomain = parse.GetValue(domain) ?? "localhost",
                Tls = parse.GetValue(tls),
                TlsCertPath = parse.GetValue(tlsCert),
                TlsKeyPath = parse.GetValue(tlsKey),
                AccessLog = parse.GetValue(accessLog),
                RootAccessKey = layered.Extra("--root-access-key"),
                RootSecretKey = layered.Extra("--root-secret-key"),
                MetricsListen = parse.GetValue(metricsListen),
                MetricsPublic = parse.GetValue(metricsPublic),
            };
            options.MaxConnections = parse.GetValue(maxConnections) ?? options.MaxConnections;
            if (options.MaxConnections < 1)
            {
                await Console.Error.WriteLineAsync("strata serve: --max-connections (STRATA_MAX_CONNECTIONS) must be a whole number, 1 or more.");
                return CommandErrors.Usage;
            }
            var sigV2Setting = parse.GetValue(sigV2) ?? "on";
            if (sigV2Setting is not ("on" or "off"))
            {
                await Console.Error.WriteLineAsync($"strata serve: --sigv2 (STRATA_SIGV2) must be on or off; got '{sigV2Setting}'.");
                return CommandErrors.Usage;
            }
            options.SigV2 = sigV2Setting == "on";
            var intervalSetting = parse.GetValue(lifecycleInterval);
            if (intervalSetting is not null)
            {
                if (!Strata.Bench.Units.DurationText.TryParse(intervalSetting, out var interval) || interval < TimeSpan.Zero)
                {
                    await Console.Error.WriteLineAsync($"strata serve: --lifecycle-interval (STRATA_LIFECYCLE_INTERVAL) must be a duration such as 1h, 30m or 0; got '{intervalSetting}'.");
                    return CommandErrors.Usage;
                }
                options.LifecycleInterval = interval;
            }
            options.ConsoleEnabled = !parse.GetValue(noConsole);
            if (parse.GetValue(consoleIdleTimeout) is { } idleSetting)
            {
                if (!Strata.Bench.Units.DurationText.TryParse(idleSetting, out var idle) || idle <= TimeSpan.Zero)
                {
                    await Console.Error.WriteLineAsync($"strata serve: --console-idle-timeout (STRATA_CONSOLE_IDLE_TIMEOUT) must be a duration such as 15m or 1h; got '{idleSetting}'.");
                    return CommandErrors.Usage;
                }
                options.ConsoleIdleTimeout = idle;
            }
            if (!await ScrubSettings.ApplyAsync(parse.GetValue(scrubInterval), parse.GetValue(scrubRate), options))
            {
                return CommandErrors.Usage;
            }
            var ownershipSetting = parse.GetValue(ownership) ?? "none";
            var defaultOwnership = Strata.Core.Acls.ObjectOwnerships.Parse(ownershipSetting);
            if (defaultOwnership is null && ownershipSetting != "none")
            {
                await Console.Error.WriteLineAsync(
                    $"strata serve: --default-object-ownership (STRATA_DEFAULT_OBJECT_OWNERSHIP) must be none, ObjectWriter, BucketOwnerPreferred or BucketOwnerEnforced; got '{ownershipSetting}'.");
                return CommandErrors.Usage;
            }
            options.DefaultObjectOwnership = defaultOwnership;
            if (parse.GetValue(minFreeSpace) is { } freeSetting)
            {
                if (ParseFreeSpace(freeSetting) is not { } threshold)
                {
                    await Console.Error.WriteLineAsync($"strata serve: --min-free-space (STRATA_MIN_FREE_SPACE) must be a size such as 1GiB or 500MB, or a percentage such as 5%; got '{freeSetting}'.");
                    return CommandErrors.Usage;
                }
                options.MinFreeSpace = threshold;
            }
            if (replication.Apply(parse, options) is { } replicationRefusal)
            {
                await Console.Error.WriteLineAsync("strata serve: " + replicationRefusal);
                return CommandErrors.Usage;
            }
            StrataHost host;
            try
            {
                host = await StrataHost.StartAsync(options, Console.Out, cancellationToken);
            }
            catch (ServeRefusedException refused)
            {
                await Console.Error.WriteLineAsync($"strata serve: {refused.Message}");
                return refused.IsUsage ? CommandErrors.Usage : CommandErrors.StartRefused;
            }
            await using var running = host;
            var everyAddress = host.ListensOnEveryAddress ? $" and on port {host.Endpoint.Port} of every address of this machine" : "";
            Console.WriteLine($"Strata is serving S3 at {host.Endpoint}{everyAddress} (data: {Path.GetFullPath(options.DataDirectory)}, region {options.Region}, root key {host.RootKey.AccessKeyId}). Ctrl-C stops it.");
            Console.WriteLine($"Prometheus metrics at {host.MetricsEndpoint} ({(options.MetricsPublic ? "any caller" : "loopback callers only")}).");
            // systemd (Type=notify) starts the units that wait for this one now, and not before.
            SystemdNotify.Send($"READY=1\nSTATUS=Serving S3 at {host.Endpoint}");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("Stopping: finishing in-flight requests.");
                SystemdNotify.Send("STOPPING=1\nSTATUS=Stopping: finishing in-flight requests");
            }
            return 0;
        });
        return command;
    }

    private static FreeSpaceThreshold? ParseFreeSpace(string text)
    {
        if (text.EndsWith('%'))
        {
            return double.TryParse(text.AsSpan(0, text.Length - 1), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var percent)
                && percent <= 100 ? new FreeSpaceThreshold(0, percent) : null;
        }
        return Strata.Bench.Units.ByteSize.TryParse(text, out var bytes) ? new FreeSpaceThreshold(bytes) : null;
    }
}

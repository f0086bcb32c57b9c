using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Strata.Server.Hosting;

namespace Strata.Cli;

/// <summary>
/// `strata serve`: settings come from the command line, then STRATA_* environment variables, then
/// strata.json / appsettings.json in the working directory (keys Data, Listen, Region, Domain, SigV2, Default_Object_Ownership).
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
        var metricsListen = new Option<string?>("--metrics-listen")
        {
            Description = "HOST:PORT of a separate plain-HTTP listener for /metrics (default: /metrics on the S3 port; env STRATA_METRICS_LISTEN)",
        };
        var metricsPublic = new Option<bool>("--metrics-public") { Description = "Answer /metrics to any address, not only loopback (env STRATA_METRICS_PUBLIC)" };
        var command = new Command("serve", "Run the S3-compatible server on the embedded default: SQLite metadata and object files in one data directory.")
        {
            data, listen, region, domain, tls, tlsCert, tlsKey, accessLog, maxConnections, sigV2, lifecycleInterval, ownership,
            metricsListen, metricsPublic,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (ReadConfiguration() is not { } config) return CommandErrors.Usage;
            var options = new StrataServerOptions
            {
                DataDirectory = parse.GetValue(data) ?? config["DATA"] ?? "./strata-data",
                Listen = parse.GetValue(listen) ?? config["LISTEN"] ?? "127.0.0.1:9000",
                Region = parse.GetValue(region) ?? config["REGION"] ?? "us-east-1",
                BaseDomain = parse.GetValue(domain) ?? config["DOMAIN"] ?? "localhost",
                Tls = parse.GetValue(tls) || IsTrue(config["TLS"]),
                TlsCertPath = parse.GetValue(tlsCert) ?? config["TLS_CERT"],
                TlsKeyPath = parse.GetValue(tlsKey) ?? config["TLS_KEY"],
                AccessLog = parse.GetValue(accessLog) || IsTrue(config["ACCESS_LOG"]),
                RootAccessKey = config["ROOT_ACCESS_KEY"],
                RootSecretKey = config["ROOT_SECRET_KEY"],
                MetricsListen = parse.GetValue(metricsListen) ?? config["METRICS_LISTEN"],
                MetricsPublic = parse.GetValue(metricsPublic) || IsTrue(config["METRICS_PUBLIC"]),
            };
            // A setting that is not a count is refused, never replaced by the default.
            var configuredMax = config["MAX_CONNECTIONS"];
            options.MaxConnections = parse.GetValue(maxConnections)
                ?? (configuredMax is null ? options.MaxConnections : int.TryParse(configuredMax, out var max) ? max : 0);
            if (options.MaxConnections < 1)
            {
                await Console.Error.WriteLineAsync("strata serve: --max-connections (STRATA_MAX_CONNECTIONS) must be a whole number, 1 or more.");
                return CommandErrors.Usage;
            }
            var sigV2Setting = parse.GetValue(sigV2) ?? config["SIGV2"] ?? "on";
            if (sigV2Setting is not ("on" or "off"))
            {
                await Console.Error.WriteLineAsync($"strata serve: --sigv2 (STRATA_SIGV2) must be on or off; got '{sigV2Setting}'.");
                return CommandErrors.Usage;
            }
            options.SigV2 = sigV2Setting == "on";
            var intervalSetting = parse.GetValue(lifecycleInterval) ?? config["LIFECYCLE_INTERVAL"];
            if (intervalSetting is not null)
            {
                if (!Strata.Bench.Units.DurationText.TryParse(intervalSetting, out var interval) || interval < TimeSpan.Zero)
                {
                    await Console.Error.WriteLineAsync($"strata serve: --lifecycle-interval (STRATA_LIFECYCLE_INTERVAL) must be a duration such as 1h, 30m or 0; got '{intervalSetting}'.");
                    return CommandErrors.Usage;
                }
                options.LifecycleInterval = interval;
            }
            var ownershipSetting = parse.GetValue(ownership) ?? config["DEFAULT_OBJECT_OWNERSHIP"] ?? "none";
            var defaultOwnership = Strata.Core.Acls.ObjectOwnerships.Parse(ownershipSetting);
            if (defaultOwnership is null && ownershipSetting != "none")
            {
                await Console.Error.WriteLineAsync(
                    $"strata serve: --default-object-ownership (STRATA_DEFAULT_OBJECT_OWNERSHIP) must be none, ObjectWriter, BucketOwnerPreferred or BucketOwnerEnforced; got '{ownershipSetting}'.");
                return CommandErrors.Usage;
            }
            options.DefaultObjectOwnership = defaultOwnership;
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
            Console.WriteLine($"Strata is serving S3 at {host.Endpoint} (data: {Path.GetFullPath(options.DataDirectory)}, region {options.Region}, root key {host.RootKey.AccessKeyId}). Ctrl-C stops it.");
            Console.WriteLine($"Prometheus metrics at {host.MetricsEndpoint} ({(options.MetricsPublic ? "any caller" : "loopback callers only")}).");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine("Stopping: finishing in-flight requests.");
            }
            return 0;
        });
        return command;
    }

    // Settings files are optional; a malformed one is named with its line, never a stack trace.
    private static IConfigurationRoot? ReadConfiguration()
    {
        try
        {
            return new ConfigurationBuilder()
                .SetBasePath(Directory.GetCurrentDirectory())
                .AddJsonFile("appsettings.json", optional: true)
                .AddJsonFile("strata.json", optional: true)
                .AddEnvironmentVariables("STRATA_")
                .Build();
        }
        catch (InvalidDataException e)
        {
            var file = e.Message.Contains("appsettings.json", StringComparison.Ordinal) ? "appsettings.json" : "strata.json";
            var json = e.InnerException as System.Text.Json.JsonException ?? e.InnerException?.InnerException as System.Text.Json.JsonException;
            var where = json?.LineNumber is { } line ? $" (line {line + 1})" : "";
            Console.Error.WriteLine($"strata serve: {Path.GetFullPath(file)} is not valid JSON{where}: {e.InnerException?.Message ?? e.Message}");
            return null;
        }
    }

    private static bool IsTrue(string? setting) => string.Equals(setting, "true", StringComparison.OrdinalIgnoreCase) || setting == "1";
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Engine;
using Strata.Server.Auth;

namespace Strata.Server.Hosting;

public sealed class StrataServerOptions
{
    public string DataDirectory { get; set; } = "./strata-data";

    /// <summary>HOST:PORT; port 0 picks a free one (tests).</summary>
    public string Listen { get; set; } = "127.0.0.1:9000";

    public string Region { get; set; } = "us-east-1";

    /// <summary>Virtual-hosted style: requests to BUCKET.BaseDomain address BUCKET.</summary>
    public string BaseDomain { get; set; } = "localhost";

    /// <summary>The 12-digit account id that policies name in ARNs (arn:aws:iam::ACCOUNT:user/NAME).</summary>
    public string AccountId { get; set; } = "000000000000";

    public string? RootAccessKey { get; set; }
    public string? RootSecretKey { get; set; }
    public LogLevel LogLevel { get; set; } = LogLevel.Warning;

    /// <summary>
    /// Open connections Kestrel accepts at once; beyond it a new connection is closed at once, so a crowd of
    /// slow clients costs a bounded number of sockets and file descriptors (each is also cut by the 30 s
    /// request-head timeout and the body data rate).
    /// </summary>
    public int MaxConnections { get; set; } = 4096;

    /// <summary>
    /// Accept Signature Version 2 (Authorization: AWS and ?AWSAccessKeyId= URLs), which boto3 and awscli v1 presign
    /// with by default against a custom endpoint. On by default, as on MinIO and Ceph RGW.
    /// </summary>
    public bool SigV2 { get; set; } = true;

    /// <summary>
    /// The Object Ownership of a bucket created without x-amz-object-ownership: null (no ownership controls, ACLs apply,
    /// so public-read static set-ups work) or one of S3's settings; BucketOwnerEnforced is S3's own default since 2023.
    /// </summary>
    public Core.Acls.ObjectOwnership? DefaultObjectOwnership { get; set; }

    /// <summary>Write one line per S3 request (see <see cref="AccessLog"/>) to the console log.</summary>
    public bool AccessLog { get; set; }

    /// <summary>Serve HTTPS: with <see cref="TlsCertPath"/>/<see cref="TlsKeyPath"/> (PEM), or a certificate generated in DATA/tls/.</summary>
    public bool Tls { get; set; }

    public string? TlsCertPath { get; set; }

    /// <summary>The server's clock (tests shift it to step through MFA codes); the system clock by default.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>How often the lifecycle worker applies the buckets' rules (by <see cref="Time"/>); zero: only when asked through the admin API.</summary>
    public TimeSpan LifecycleInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often the background scrubber re-reads every stored body; zero (the default): only `strata admin scrub`.</summary>
    public TimeSpan ScrubInterval { get; set; } = TimeSpan.Zero;

    /// <summary>The most bytes per second a background scrub reads (default 50 MB/s); zero: as fast as the disk goes.</summary>
    public long ScrubBytesPerSecond { get; set; } = 50_000_000;

    /// <summary>Keys the replicator sends at once (a key's versions always go in commit order).</summary>
    public int ReplicationConcurrency { get; set; } = 16;

    /// <summary>The longest wait between two attempts of a failing replication (the backoff doubles up to it).</summary>
    public TimeSpan ReplicationRetryMax { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an idle replicator looks for retries that came due (tests lengthen it to show that writes wake it).</summary>
    internal TimeSpan ReplicationPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>HOST:PORT of a separate plain-HTTP listener for /metrics; null: /metrics is answered on the S3 port.</summary>
    public string? MetricsListen { get; set; }

    /// <summary>Answer /metrics to any caller, not only loopback ones (it needs no credentials).</summary>
    public bool MetricsPublic { get; set; }
    public string? TlsKeyPath { get; set; }

    /// <summary>Serve the web console under /_strata/console/ (strata serve --no-console turns it off).</summary>
    public bool ConsoleEnabled { get; set; } = true;

    /// <summary>Another place the server's log goes besides the console (tests read what was logged).</summary>
    public ILoggerProvider? ExtraLog { get; set; }

    /// <summary>A console session unused for this long ends (strata serve --console-idle-timeout).</summary>
    public TimeSpan ConsoleIdleTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Free space the data directory's file system keeps, or /_strata/ready answers 503 (see <see cref="Readiness"/>).</summary>
    public FreeSpaceThreshold MinFreeSpace { get; set; } = FreeSpaceThreshold.Default;
}

/// <summary>A running Strata server: engine opened and recovered, Kestrel listening.</summary>
public sealed class StrataHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StorageEngine _engine;
    private readonly MetricsEndpoint _metrics;

    /// <summary>For tests of engine questions no S3 request asks (lifecycle's "is this version locked now?").</summary>
    internal StorageEngine StorageEngine => _engine;

    private StrataHost(WebApplication app, StorageEngine engine, MetricsEndpoint metrics, Uri endpoint, AccessKey root)
    {
        _app = app;
        _engine = engine;
        _metrics = metrics;
        Endpoint = endpoint;
        RootKey = root;
    }

    /// <summary>Where a client on this machine reaches the S3 listener: 127.0.0.1 or [::1] when it listens on every address.</summary>
    public Uri Endpoint { get; }

    public AccessKey RootKey { get; }

    /// <summary>Whether the S3 listener is bound to every address (0.0.0.0 or [::]), so other machines may reach it too.</summary>
    public bool ListensOnEveryAddress { get; private init; }

    /// <summary>Where Prometheus scrapes: /metrics on the S3 port, or on --metrics-listen's.</summary>
    public Uri MetricsEndpoint { get; private init; } = null!;

    /// <summary>With a generated HTTPS certificate: the CA file clients should trust.</summary>
    public string? CaCertificatePath { get; private init; }

    /// <summary>
    /// Checks the settings, locks the data directory, opens it and cleans crash leftovers, then starts listening.
    /// <paramref name="console"/> gets the one-time notices. Nothing is written to the data directory before it is
    /// locked, and nothing at all when the settings are refused.
    /// </summary>
    /// <exception cref="ServeRefusedException">A setting is malformed, or the directory, a file or the port cannot be used.</exception>
    public static async Task<StrataHost> StartAsync(StrataServerOptions options, TextWriter console, CancellationToken cancellationToken = default)
    {
        var listenOn = ParseEndpoint(options.Listen);
        ListenRefusal.ThrowIfTaken(listenOn, options.Listen);
        var metricsOn = options.MetricsListen is null ? null : ParseEndpoint(options.MetricsListen, "--metrics-listen");
        if (metricsOn is not null) ListenRefusal.ThrowIfTaken(metricsOn, options.MetricsListen!);
        var rootFromEnvironment = RootKeyFromSettings(options);
        var certificate = options.Tls && (options.TlsCertPath is not null || options.TlsKeyPath is not null)
            ? TlsCertificates.LoadGiven(options.TlsCertPath, options.TlsKeyPath)
            : null;

        DataDirectoryLock directory;
        try
        {
            directory = DataDirectoryLock.Acquire(options.DataDirectory);
        }
        catch (DataDirectoryRefusedException refused)
        {
            throw new ServeRefusedException(refused.Message);
        }
        StorageEngine? engine = null;
        AccessKey root;
        try
        {
            var dataDirectory = directory.Directory;
            // The engine first: it refuses a directory of a newer schema before anything in it is written, and a
            // changed root key would otherwise already have rewritten root-credentials.json.
            engine = StorageEngine.Open(new EngineOptions { DataDirectory = directory }, options.Time, out var recovery);
            root = RootCredentialsFile.LoadOrCreate(dataDirectory, rootFromEnvironment, out var change, out var previousKeyId);
            await ReportRootKeyAsync(console, dataDirectory, root, change, previousKeyId);
            if (recovery.OrphanBlobsRemoved > 0) await console.WriteLineAsync($"Start-up recovery removed {recovery.OrphanBlobsRemoved} unreferenced blob file(s).");
            foreach (var reset in Engine.Identities.MfaResetRecord.TakePending(dataDirectory)) await console.WriteLineAsync($"WARNING: since the last start, {reset}.");
            if (options.Tls && certificate is null)
            {
                certificate = TlsCertificates.LoadOrCreate(dataDirectory, out var caPath, out var created);
                await console.WriteLineAsync($"HTTPS uses a certificate {(created ? "generated now" : "generated earlier")}; clients trust it with {caPath} (aws --ca-bundle, boto3 verify=).");
            }
        }
        catch (Exception e)
        {
            // The engine owns the lock once it is open.
            if (engine is not null) await engine.DisposeAsync();
            else directory.Dispose();
            if (e is DataDirectoryRefusedException refused) throw new ServeRefusedException(refused.Message);
            throw;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        if (options.ExtraLog is not null) builder.Logging.AddProvider(options.ExtraLog);
        // A failed start is reported once, in plain words, by the caller (ServeRefusedException); not as the
        // host's error log with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        if (options.AccessLog) builder.Logging.AddFilter(typeof(AccessLog).FullName, LogLevel.Information);
        // Each lifecycle run's figures are logged (one line per bucket and run), whatever the log level.
        builder.Logging.AddFilter(typeof(Background.LifecycleWorker).FullName, LogLevel.Information);
        builder.Logging.AddFilter(typeof(Background.ScrubWorker).FullName, LogLevel.Information);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // S3 bodies reach 5 GiB (PUT) and aws-chunked adds framing; the operations enforce S3's limits.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            // Header values arrive as UTF-8 (botocore sends non-ASCII metadata so; Kestrel's default decoding) and
            // leave as Latin-1, as S3 answers them: "é" stored from boto3 reads back as "é". Kestrel's default
            // (ASCII only) made every later GET of such an object a 500 (ceph/s3-tests' unicode metadata test).
            // Values beyond Latin-1 are RFC 2047-encoded before they get here (ObjectResponse).
            kestrel.ResponseHeaderEncodingSelector = static _ => System.Text.Encoding.Latin1;
            kestrel.Listen(listenOn, listen =>
            {
                listen.Use(next => async connection =>
                {
                    RequestMetrics.ConnectionOpened();
                    try
                    {
                        await next(connection);
                    }
                    finally
                    {
                        RequestMetrics.ConnectionClosed();
                    }
                });
                if (certificate is not null) listen.UseHttps(certificate);
            });
            if (metricsOn is not null) kestrel.Listen(metricsOn);
        });
        var settings = new ServerSettings(options.Region, options.BaseDomain) { DefaultObjectOwnership = options.DefaultObjectOwnership };
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(settings);
        var credentials = new Credentials(root, options.AccountId, settings.OwnerId, settings.OwnerDisplayName);
        credentials.Reload(engine);
        builder.Services.AddSingleton(credentials);
        builder.Services.AddSingleton<Authorizer>();
        builder.Services.AddSingleton<PublicAccessBlocks>();
        var mfa = new MfaVerifier(options.Time);
        mfa.Reload(engine);
        builder.Services.AddSingleton(mfa);
        builder.Services.AddSingleton(new Background.LifecycleSchedule(options.LifecycleInterval));
        builder.Services.AddSingleton<Background.LifecycleWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Background.LifecycleWorker>());
        builder.Services.AddSingleton(new Background.ScrubSchedule(options.ScrubInterval, options.ScrubBytesPerSecond));
        builder.Services.AddSingleton<Background.ScrubWorker>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Background.ScrubWorker>());
        builder.Services.AddSingleton(new Background.ReplicationSettings(directory.Directory, options.Region)
        {
            Concurrency = Math.Max(1, options.ReplicationConcurrency),
            RetryMax = options.ReplicationRetryMax,
            PollInterval = options.ReplicationPollInterval,
        });
        builder.Services.AddSingleton<Background.ReplicationTargets>();
        builder.Services.AddSingleton<Background.Replicator>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Background.Replicator>());
        builder.Services.AddSingleton<Admin.AdminEndpoints>();
        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSingleton(sp => new RequestAuthenticator(sp.GetRequiredService<Credentials>(), options.Time, options.Region, options.BaseDomain, options.SigV2));
        builder.Services.AddSingleton<AccessLog>();
        builder.Services.AddSingleton<CorsRules>();
        builder.Services.AddSingleton<LifecycleRules>();
        builder.Services.AddSingleton<S3Dispatcher>();
        builder.Services.AddSingleton(options.MinFreeSpace);
        builder.Services.AddSingleton<Readiness>();
        var consoleOptions = new WebConsole.Hosting.ConsoleOptions
        {
            Enabled = options.ConsoleEnabled,
            IdleTimeout = options.ConsoleIdleTimeout,
            Time = options.Time,
            Region = options.Region,
            RootMfaSerial = $"arn:aws:iam::{options.AccountId}:mfa/root-account-mfa-device",
            Figures = () => engine.BucketFigures(),
        };
        WebConsole.Hosting.ConsoleRegistration.AddStrataConsole(builder.Services, consoleOptions);

        var app = builder.Build();
        var dispatcher = app.Services.GetRequiredService<S3Dispatcher>();
        var metrics = new MetricsEndpoint(options.MetricsPublic, metricsOn?.Port);
        metrics.Map(app);
        app.Run(dispatcher.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (Exception e)
        {
            await app.DisposeAsync();
            metrics.Dispose();
            await engine.DisposeAsync();
            if (ListenRefusal.Explain(e, options.Listen) is { } refusal) throw new ServeRefusedException(refusal);
            throw;
        }
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        var address = addresses.First();
        var endpoint = LoopbackEndpoint(listenOn, new Uri(address));
        var metricsAddress = metricsOn is null ? endpoint : LoopbackEndpoint(metricsOn, new Uri(addresses.Skip(1).First()));
        if (metricsOn is not null) metrics.Port = metricsAddress.Port; // --metrics-listen with port 0: the one picked
        // The console's clients talk to this very listener on loopback, trusting exactly its certificate.
        consoleOptions.Certificate = certificate;
        consoleOptions.Endpoint = endpoint;
        return new StrataHost(app, engine, metrics, endpoint, root)
        {
            ListensOnEveryAddress = IsEveryAddress(listenOn.Address),
            MetricsEndpoint = new Uri(metricsAddress, Hosting.MetricsEndpoint.Path),
            CaCertificatePath = options.Tls && options.TlsCertPath is null ? Path.Combine(directory.Directory, "tls", "ca.pem") : null,
        };
    }

    private static bool IsEveryAddress(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>
    /// The listener as reached from this machine: 127.0.0.1 or [::1] when bound to every address. Kestrel reports such a
    /// listener as http://0.0.0.0:PORT or http://[::]:PORT, which a client cannot connect to everywhere; the port is the one
    /// Kestrel picked when --listen said 0.
    /// </summary>
    internal static Uri LoopbackEndpoint(IPEndPoint listenOn, Uri endpoint)
    {
        var address = listenOn.Address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : listenOn.Address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : listenOn.Address;
        return new UriBuilder(endpoint.Scheme, address.ToString(), endpoint.Port).Uri; // UriBuilder brackets an IPv6 host
    }

    /// <summary>HOST:PORT (an IPv4 or IPv6 address, or localhost; port 0 to 65535, 0 picks a free one).</summary>
    /// <exception cref="ServeRefusedException">Not of that form (a usage error).</exception>
    public static IPEndPoint ParseEndpoint(string listen) => ParseEndpoint(listen, "--listen");

    private static IPEndPoint ParseEndpoint(string listen, string option)
    {
        var colon = listen.LastIndexOf(':');
        var host = colon > 0 ? listen[..colon].Trim('[', ']') : "";
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (address is null
            || !int.TryParse(listen.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            || port > IPEndPoint.MaxPort)
        {
            throw new ServeRefusedException(
                $"{option} wants HOST:PORT with an IP address (or localhost) and a port from 0 to 65535, e.g. 127.0.0.1:9000 or [::1]:9000; got '{listen}'.", usage: true);
        }
        return new IPEndPoint(address, port);
    }

    private static AccessKey? RootKeyFromSettings(StrataServerOptions options)
    {
        var hasId = !string.IsNullOrEmpty(options.RootAccessKey);
        var hasSecret = !string.IsNullOrEmpty(options.RootSecretKey);
        if (hasId != hasSecret)
        {
            throw new ServeRefusedException("Set both STRATA_ROOT_ACCESS_KEY and STRATA_ROOT_SECRET_KEY, or neither (a root key is then generated or read from the data directory).", usage: true);
        }
        return hasId ? new AccessKey(options.RootAccessKey!, options.RootSecretKey!) : null;
    }

    private static async Task ReportRootKeyAsync(TextWriter console, string dataDirectory, AccessKey root, RootKeyChange change, string? previousKeyId)
    {
        var file = Path.Combine(dataDirectory, RootCredentialsFile.FileName);
        if (change == RootKeyChange.Generated)
        {
            await console.WriteLineAsync($"""
                Strata generated root credentials (stored in {file}, mode 0600).
                They are shown once:
                  AWS_ACCESS_KEY_ID={root.AccessKeyId}
                  AWS_SECRET_ACCESS_KEY={root.SecretAccessKey}
                """);
        }
        else if (change == RootKeyChange.Replaced)
        {
            await console.WriteLineAsync(
                $"The root key was replaced: STRATA_ROOT_ACCESS_KEY is {root.AccessKeyId}, the previous key {previousKeyId} no longer works ({file} updated).");
        }
    }

    /// <summary>Applies the lifecycle rules now, of one bucket or all, and waits: what `strata admin lifecycle run` does.</summary>
    public Task<List<LifecyclePassReport>> RunLifecycleAsync(string? bucket = null, CancellationToken cancellationToken = default) =>
        _app.Services.GetRequiredService<Background.LifecycleWorker>().RunAsync(bucket is null ? null : Core.BucketName.Parse(bucket), cancellationToken);

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting, lets in-flight requests finish, then closes the engine (queued commits drain first).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _metrics.Dispose();
        await _engine.DisposeAsync();
    }
}

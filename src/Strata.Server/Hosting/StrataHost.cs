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

    /// <summary>Write one line per S3 request (see <see cref="AccessLog"/>) to the console log.</summary>
    public bool AccessLog { get; set; }

    /// <summary>Serve HTTPS: with <see cref="TlsCertPath"/>/<see cref="TlsKeyPath"/> (PEM), or a certificate generated in DATA/tls/.</summary>
    public bool Tls { get; set; }

    public string? TlsCertPath { get; set; }

    /// <summary>The server's clock (tests shift it to step through MFA codes); the system clock by default.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;
    public string? TlsKeyPath { get; set; }
}

/// <summary>A running Strata server: engine opened and recovered, Kestrel listening.</summary>
public sealed class StrataHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly StorageEngine _engine;

    private StrataHost(WebApplication app, StorageEngine engine, Uri endpoint, AccessKey root)
    {
        _app = app;
        _engine = engine;
        Endpoint = endpoint;
        RootKey = root;
    }

    public Uri Endpoint { get; }
    public AccessKey RootKey { get; }

    /// <summary>With a generated HTTPS certificate: the CA file clients should trust.</summary>
    public string? CaCertificatePath { get; private init; }

    /// <summary>Opens the data directory, cleans crash leftovers, starts listening. <paramref name="console"/> gets the one-time notices.</summary>
    public static async Task<StrataHost> StartAsync(StrataServerOptions options, TextWriter console, CancellationToken cancellationToken = default)
    {
        var dataDirectory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(dataDirectory);
        var root = Credentials.LoadOrCreateRoot(dataDirectory, options.RootAccessKey, options.RootSecretKey, out var generated);
        if (generated)
        {
            await console.WriteLineAsync($"""
                Strata generated root credentials (stored in {Path.Combine(dataDirectory, "root-credentials.json")}, mode 0600).
                They are shown once:
                  AWS_ACCESS_KEY_ID={root.AccessKeyId}
                  AWS_SECRET_ACCESS_KEY={root.SecretAccessKey}
                """);
        }

        var engine = StorageEngine.Open(new EngineOptions { DataDirectory = dataDirectory }, options.Time, out var recovery);
        if (recovery.OrphanBlobsRemoved > 0) await console.WriteLineAsync($"Start-up recovery removed {recovery.OrphanBlobsRemoved} unreferenced blob file(s).");

        System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null;
        if (options.Tls)
        {
            if (options.TlsCertPath is not null && options.TlsKeyPath is not null)
            {
                certificate = TlsCertificates.Load(options.TlsCertPath, options.TlsKeyPath);
            }
            else
            {
                certificate = TlsCertificates.LoadOrCreate(dataDirectory, out var caPath, out var created);
                await console.WriteLineAsync($"HTTPS uses a certificate {(created ? "generated now" : "generated earlier")}; clients trust it with {caPath} (aws --ca-bundle, boto3 verify=).");
            }
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(options.LogLevel);
        if (options.AccessLog) builder.Logging.AddFilter(typeof(AccessLog).FullName, LogLevel.Information);
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // S3 bodies reach 5 GiB (PUT) and aws-chunked adds framing; the operations enforce S3's limits.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.MaxRequestHeadersTotalSize = 64 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(30);
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections;
            kestrel.Listen(ParseEndpoint(options.Listen), listen =>
            {
                if (certificate is not null) listen.UseHttps(certificate);
            });
        });
        var settings = new ServerSettings(options.Region, options.BaseDomain);
        builder.Services.AddSingleton(engine);
        builder.Services.AddSingleton(settings);
        var credentials = new Credentials(root, options.AccountId);
        credentials.Reload(engine);
        builder.Services.AddSingleton(credentials);
        builder.Services.AddSingleton<Authorizer>();
        var mfa = new MfaVerifier(options.Time);
        mfa.Reload(engine);
        builder.Services.AddSingleton(mfa);
        builder.Services.AddSingleton<Admin.AdminEndpoints>();
        builder.Services.AddSingleton(options.Time);
        builder.Services.AddSingleton(sp => new RequestAuthenticator(sp.GetRequiredService<Credentials>(), options.Time, options.Region));
        builder.Services.AddSingleton<AccessLog>();
        builder.Services.AddSingleton<S3Dispatcher>();

        var app = builder.Build();
        var dispatcher = app.Services.GetRequiredService<S3Dispatcher>();
        app.Run(dispatcher.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            await engine.DisposeAsync();
            throw;
        }
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StrataHost(app, engine, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), root)
        {
            CaCertificatePath = options.Tls && options.TlsCertPath is null ? Path.Combine(dataDirectory, "tls", "ca.pem") : null,
        };
    }

    public static IPEndPoint ParseEndpoint(string listen)
    {
        var colon = listen.LastIndexOf(':');
        if (colon <= 0) throw new ArgumentException($"--listen wants HOST:PORT, got '{listen}'");
        var host = listen[..colon].Trim('[', ']');
        var port = int.Parse(listen[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        return new IPEndPoint(address, port);
    }

    public Task WaitForShutdownAsync(CancellationToken cancellationToken) => _app.WaitForShutdownAsync(cancellationToken);

    /// <summary>Stops accepting, lets in-flight requests finish, then closes the engine (queued commits drain first).</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _engine.DisposeAsync();
    }
}

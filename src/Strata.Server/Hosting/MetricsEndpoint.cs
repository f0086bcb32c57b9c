using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Strata.Core;
using Strata.Engine.Diagnostics;
using Strata.Server.Errors;

namespace Strata.Server.Hosting;

/// <summary>
/// GET /metrics and GET /_strata/metrics: the "Strata" meter in Prometheus' text format, written by OpenTelemetry's
/// exporter. Served on the S3 port, or only on <c>--metrics-listen</c>'s port when that is given. Unauthenticated, so
/// only to loopback callers unless <c>--metrics-public</c>: anyone else gets S3's AccessDenied.
/// On the S3 port, /metrics is a scrape only when unsigned and without a query string; a signed GET /metrics is still
/// ListObjects on a bucket named "metrics".
/// </summary>
internal sealed class MetricsEndpoint : IDisposable
{
    public const string Path = "/metrics";
    public const string ReservedPath = "/_strata/metrics";

    private readonly MeterProvider _provider;
    private readonly bool _public;

    /// <summary>The dedicated metrics port (--metrics-listen), or null to answer on the S3 port; set once Kestrel picked it.</summary>
    public int? Port { get; set; }

    /// <param name="port">The dedicated metrics port (--metrics-listen), or null to answer on the S3 port.</param>
    public MetricsEndpoint(bool isPublic, int? port)
    {
        _public = isPublic;
        Port = port;
        _provider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(EngineMetrics.MeterName)
            // One series per bucket: OpenTelemetry's default limit of 2000 points per metric would fold the rest into an overflow series.
            .AddView(instrument => instrument.Name.StartsWith("strata.bucket.", StringComparison.Ordinal) ? new MetricStreamConfiguration { CardinalityLimit = 1_000_000 } : null)
            .AddPrometheusExporter(o =>
            {
                // Each scrape sees the figures of that moment (the default caches an answer for 300 ms).
                o.ScrapeResponseCacheDurationMilliseconds = 0;
                o.TargetInfoEnabled = false;
            })
            .Build();
    }

    public void Map(WebApplication app) =>
        app.UseOpenTelemetryPrometheusScrapingEndpoint(_provider, IsScrape, path: null, configureBranchedPipeline: gate => gate.Use(GuardAsync), optionsName: null);

    private bool IsScrape(HttpContext http)
    {
        var request = http.Request;
        if (!HttpMethods.IsGet(request.Method)) return false;
        if (Port is { } port)
        {
            return http.Connection.LocalPort == port && (request.Path.Equals(Path, StringComparison.Ordinal) || request.Path.Equals(ReservedPath, StringComparison.Ordinal));
        }
        if (request.Path.Equals(ReservedPath, StringComparison.Ordinal)) return true;
        return request.Path.Equals(Path, StringComparison.Ordinal) && !request.QueryString.HasValue && !request.Headers.ContainsKey("Authorization");
    }

    private async Task GuardAsync(HttpContext http, RequestDelegate next)
    {
        var requestId = Guid.NewGuid().ToString("N")[..16].ToUpperInvariant();
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers.Server = "Strata";
        if (_public || IsLoopback(http.Connection.RemoteIpAddress))
        {
            await next(http);
            return;
        }
        var refusal = S3Fail.Exception(StrataError.AccessDenied,
            "Metrics are served to loopback callers only; start the server with --metrics-public to let others scrape them.");
        await ErrorResponse.WriteAsync(http, refusal, http.Request.Path.Value ?? Path, requestId);
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    public void Dispose() => _provider.Dispose();
}

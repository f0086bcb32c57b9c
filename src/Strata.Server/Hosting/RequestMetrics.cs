using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine.Diagnostics;

namespace Strata.Server.Hosting;

/// <summary>
/// The front end's instruments on the "Strata" meter: requests by S3 operation and status class, their duration,
/// body bytes, errors by S3 code, authentication and authorization refusals, MFA refusals and open connections.
/// Recorded once per request from the dispatcher and once per error from <see cref="Errors.ErrorResponse"/>; tags are
/// a fixed small set (operation names, status classes, error codes), never a key or a caller.
/// </summary>
internal static class RequestMetrics
{
    private static readonly Counter<long> Requests = EngineMetrics.Meter.CreateCounter<long>("strata.requests", "{request}",
        "S3 requests answered, by operation and status class (2xx, 3xx, 4xx, 5xx).");

    private static readonly Histogram<double> Duration = EngineMetrics.Meter.CreateHistogram("strata.request.duration", "s",
        "Time from the request's arrival to the end of its answer, by S3 operation.", null,
        new InstrumentAdvice<double> { HistogramBucketBoundaries = EngineMetrics.SecondsBuckets });

    private static readonly Counter<long> Received = EngineMetrics.Meter.CreateCounter<long>("strata.received", "By",
        "Request body bytes (as the request's Content-Length declares them).");

    private static readonly Counter<long> Sent = EngineMetrics.Meter.CreateCounter<long>("strata.sent", "By",
        "Response body bytes of answers that declare a Content-Length (object bodies, ranges, errors).");

    private static readonly Counter<long> Errors = EngineMetrics.Meter.CreateCounter<long>("strata.errors", "{error}",
        "S3 error answers, by S3 error code.");

    private static readonly Counter<long> AuthFailures = EngineMetrics.Meter.CreateCounter<long>("strata.auth.failures", "{request}",
        "Requests refused for their credentials or their rights: unknown key, bad signature, skewed clock, AccessDenied; by S3 error code.");

    private static readonly Counter<long> MfaRefusals = EngineMetrics.Meter.CreateCounter<long>("strata.mfa.refusals", "{request}",
        "Requests refused for MFA: a missing, wrong or reused x-amz-mfa code where MFA Delete asks for one.");

    private static readonly UpDownCounter<long> Connections = EngineMetrics.Meter.CreateUpDownCounter<long>("strata.connections.open", "{connection}",
        "Client connections open on the S3 port.");

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    public static void ConnectionOpened() => Connections.Add(1);

    public static void ConnectionClosed() => Connections.Add(-1);

    /// <summary>One answered request; <paramref name="operation"/> is null when it could not be parsed.</summary>
    public static void Answered(HttpContext http, S3Operation? operation, long startedAt)
    {
        var name = operation is { } op ? OperationNames.Of(op) : "Unknown";
        var status = http.Response.StatusCode;
        var statusClass = status is >= 100 and < 600 ? StatusClasses[status / 100 - 1] : "other";
        var tagOperation = new KeyValuePair<string, object?>("operation", name);
        Requests.Add(1, tagOperation, new KeyValuePair<string, object?>("status_class", statusClass));
        Duration.Record(Stopwatch.GetElapsedTime(startedAt).TotalSeconds, tagOperation);
        if (http.Request.ContentLength is > 0 and var received) Received.Add(received);
        if (http.Response.ContentLength is > 0 and var sent && !HttpMethods.IsHead(http.Request.Method)) Sent.Add(sent);
    }

    /// <summary>An S3 error answer, as ErrorResponse writes it.</summary>
    public static void Refused(StrataException error)
    {
        var code = new KeyValuePair<string, object?>("code", ErrorNames.Of(error.Error));
        Errors.Add(1, code);
        if (IsAuthFailure(error.Error)) AuthFailures.Add(1, code);
        // Every MFA refusal names MFA (VersionStack.MfaRequired, MfaVerifier's and the lifecycle's messages).
        if (error.Error is StrataError.AccessDenied or StrataError.InvalidRequest && error.Message.Contains("mfa", StringComparison.OrdinalIgnoreCase))
        {
            MfaRefusals.Add(1);
        }
    }

    private static bool IsAuthFailure(StrataError error) => error is StrataError.AccessDenied or StrataError.AccessForbidden or StrataError.InvalidAccessKeyId
        or StrataError.SignatureDoesNotMatch or StrataError.AuthorizationHeaderMalformed or StrataError.AuthorizationQueryParametersError
        or StrataError.RequestTimeTooSkewed or StrataError.MissingSecurityHeader;

    // Enum names made once, so a request does not format one.
    private static class OperationNames
    {
        private static readonly string[] Names = MakeNames<S3Operation>();

        public static string Of(S3Operation operation) => (int)operation < Names.Length && (int)operation >= 0 ? Names[(int)operation] : operation.ToString();
    }

    private static class ErrorNames
    {
        private static readonly string[] Names = MakeNames<StrataError>();

        public static string Of(StrataError error) => (int)error < Names.Length && (int)error >= 0 ? Names[(int)error] : error.ToString();
    }

    private static string[] MakeNames<T>() where T : struct, Enum
    {
        var values = Enum.GetValues<T>();
        var max = 0;
        foreach (var value in values) max = Math.Max(max, Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture));
        var names = new string[max + 1];
        for (var i = 0; i <= max; i++) names[i] = Enum.IsDefined(typeof(T), i) ? Enum.GetName(typeof(T), i)! : i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return names;
    }
}

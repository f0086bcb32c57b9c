using System.Diagnostics;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Strata.Core;

namespace Strata.Server.Hosting;

/// <summary>
/// One line per request when `strata serve --access-log` is on: request id, caller's key id (a POST form's signer), method, path,
/// operation, status, S3 error code, response bytes and time. The query string is never written (a presigned
/// URL carries its signature there), nor any header; control characters in keys are escaped so a key
/// cannot forge a line.
/// </summary>
internal sealed partial class AccessLog(ILogger<AccessLog> log)
{
    private static readonly object ErrorCodeKey = new();
    private static readonly object AccessKeyKey = new();

    public bool Enabled => log.IsEnabled(LogLevel.Information);

    /// <summary>ErrorResponse records the code it answered with, for this log.</summary>
    public static void NoteError(HttpContext http, StrataError error) => NoteError(http, error.ToString());

    public static void NoteError(HttpContext http, string what) => http.Items[ErrorCodeKey] = what;

    /// <summary>The key that signed a request's body rather than the request (a browser POST's form), for this log.</summary>
    public static void NoteAccessKey(HttpContext http, string accessKeyId) => http.Items[AccessKeyKey] = accessKeyId;

    public void Write(HttpContext http, string requestId, string? accessKeyId, S3Operation? operation, long startedAt)
    {
        if (!Enabled) return;
        var error = http.Items.TryGetValue(ErrorCodeKey, out var code) && code is string noted ? noted : "-";
        accessKeyId ??= http.Items.TryGetValue(AccessKeyKey, out var key) ? key as string : null;
        var milliseconds = Stopwatch.GetElapsedTime(startedAt).TotalMilliseconds;
        LogRequest(log, requestId, accessKeyId ?? "-", http.Request.Method, Escape(http.Request.Path.Value ?? "/"),
            operation?.ToString() ?? "-", http.Response.StatusCode, error, http.Response.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", milliseconds);
    }

    private static string Escape(string path)
    {
        if (!path.Any(char.IsControl)) return path;
        var text = new StringBuilder(path.Length + 16);
        foreach (var c in path) text.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c);
        return text.ToString();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "{RequestId} {AccessKeyId} {Method} {Path} {Operation} {Status} {ErrorCode} {Bytes} {Milliseconds:0.0}ms")]
    private static partial void LogRequest(ILogger logger, string requestId, string accessKeyId, string method, string path,
        string operation, int status, string errorCode, string bytes, double milliseconds);
}

using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Strata.Engine;

namespace Strata.Server.Hosting;

/// <summary>
/// The free space /_strata/ready asks the data directory's file system to keep (strata serve --min-free-space):
/// a byte count, or a percentage of the file system's size when <see cref="Percent"/> is above zero.
/// </summary>
public sealed record FreeSpaceThreshold(long Bytes, double Percent = 0)
{
    public static FreeSpaceThreshold Default { get; } = new(1L << 30);

    public long RequiredOf(long totalBytes) => Percent > 0 ? (long)(totalBytes * Percent / 100) : Bytes;

    public override string ToString() => Percent > 0 ? Percent.ToString(CultureInfo.InvariantCulture) + "%" : Readiness.Size(Bytes);
}

/// <summary>
/// GET /_strata/ready, for load balancers and service managers: 200 when the metadata database answers, the data
/// directory takes a new file and its file system has more free space than --min-free-space; otherwise 503 naming
/// each failing check. /_strata/health only says the process answers HTTP (liveness): restart on that one, stop
/// sending traffic on this one. Unauthenticated, so it tells what failed but no path or error text (those are logged).
/// </summary>
internal sealed partial class Readiness(StorageEngine engine, FreeSpaceThreshold minFreeSpace, ILogger<Readiness> log)
{
    public const string Path = "/_strata/ready";

    public async Task AnswerAsync(HttpContext http)
    {
        List<(string Name, string? Failure)> checks =
        [
            ("database", Database()),
            ("dataDirectory", Writable()),
            ("freeSpace", FreeSpace()),
        ];
        var ready = checks.TrueForAll(c => c.Failure is null);
        http.Response.StatusCode = ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        http.Response.Headers.CacheControl = "no-store";
        if (HttpMethods.IsHead(http.Request.Method)) return;
        await using (var json = new Utf8JsonWriter(http.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("status", ready ? "ready" : "not ready");
            if (!ready)
            {
                json.WriteStartArray("failing");
                foreach (var (name, failure) in checks) if (failure is not null) json.WriteStringValue(name);
                json.WriteEndArray();
            }
            json.WriteStartObject("checks");
            foreach (var (name, failure) in checks) json.WriteString(name, failure ?? "ok");
            json.WriteEndObject();
            json.WriteEndObject();
        }
        await http.Response.BodyWriter.WriteAsync("\n"u8.ToArray(), http.RequestAborted);
    }

    private string? Database()
    {
        try
        {
            return engine.DatabaseAnswers() ? null : "the metadata database does not answer";
        }
        catch (Exception e)
        {
            LogCheckFailed(log, "database", e);
            return "the metadata database does not answer";
        }
    }

    // A new file where object bodies are written: what a PUT needs first. Not fsync'd; a probe is not data. It is made in a
    // folder of blobs/ as blob files are, so that one a crash left behind is removed by the start-up sweep of unreferenced files.
    private string? Writable()
    {
        var blobs = System.IO.Path.Combine(engine.DataDirectory, "blobs");
        var folder = Directory.Exists(blobs) ? System.IO.Path.Combine(blobs, ProbeFolder) : engine.DataDirectory;
        var probe = System.IO.Path.Combine(folder, ".ready-" + Guid.NewGuid().ToString("N"));
        try
        {
            Directory.CreateDirectory(folder);
            using (var file = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.None)) file.WriteByte(1);
            File.Delete(probe);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogCheckFailed(log, "dataDirectory", e);
            return "the data directory cannot be written";
        }
    }

    /// <summary>The folder of blobs/ that holds the probe while it exists.</summary>
    public const string ProbeFolder = ".ready";

    private string? FreeSpace()
    {
        try
        {
            var drive = new DriveInfo(engine.DataDirectory);
            var required = minFreeSpace.RequiredOf(drive.TotalSize);
            var free = drive.AvailableFreeSpace;
            return free >= required ? null : $"{Size(free)} free, below --min-free-space {minFreeSpace}";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            LogCheckFailed(log, "freeSpace", e);
            return "the free space cannot be read";
        }
    }

    /// <summary>Bytes as a person reads them: 512 B, 3.2 GiB.</summary>
    internal static string Size(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return (unit == 0 ? value.ToString("0", CultureInfo.InvariantCulture) : value.ToString("0.#", CultureInfo.InvariantCulture)) + " " + units[unit];
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness check {Check} failed")]
    private static partial void LogCheckFailed(ILogger logger, string check, Exception error);
}

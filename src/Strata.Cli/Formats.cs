using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Strata.Cli;

internal static class Formats
{
    // Relaxed: an ETag is written "\"abc\"" (escaped once), not "\u0022abc\u0022", and keys stay readable.
    // Safe here: the output goes to a terminal or a script, never into an HTML page.
    public static readonly JavaScriptEncoder JsonEncoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    public static readonly JsonWriterOptions JsonOutput = new() { Indented = true, Encoder = JsonEncoder };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>"1 key", "2 keys", "1,000 delete markers": the number and the noun agree.</summary>
    public static string Count(long value, string singular, string? plural = null) =>
        $"{Count(value)} {(value == 1 ? singular : plural ?? singular + "s")}";

    public static string Bytes(double bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (bytes >= 1024 && unit < units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes:0} B" : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {units[unit]}");
    }

    public static string Rate(double perSecond) => perSecond.ToString(perSecond < 10 ? "0.0" : "N0", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Strata.WebConsole.Pages.Restore;

/// <summary>
/// The picked time: a datetime-local value ("2026-11-26T09:30" or with seconds) and the browser's offset from UTC
/// in minutes, which console.js adds on submit. Without the script there is no offset and the time is UTC.
/// </summary>
internal static class PointInTime
{
    private static readonly string[] Formats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFF"];

    public static bool TryParse(string? local, string? offsetMinutes, out DateTimeOffset at)
    {
        at = default;
        if (string.IsNullOrEmpty(local)) return false;
        // An exact instant (the Apply form carries the one the plan was made for).
        if (local.EndsWith('Z') || local.Contains('+'))
        {
            return DateTimeOffset.TryParse(local, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out at);
        }
        if (!DateTime.TryParseExact(local, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var wall)) return false;
        var offset = 0;
        if (!string.IsNullOrEmpty(offsetMinutes) && (!int.TryParse(offsetMinutes, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out offset) || Math.Abs(offset) > 14 * 60))
        {
            return false;
        }
        at = new DateTimeOffset(wall, TimeSpan.FromMinutes(offset)).ToUniversalTime();
        return true;
    }

    /// <summary>The instant as the Apply form carries it: ISO 8601 UTC to the millisecond.</summary>
    public static string Exact(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The datetime-local value of an instant in UTC (the picker's default without the script).</summary>
    public static string Local(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Strata.Bench.Units;

/// <summary>Durations as warp and Go read them: 500ms, 10s, 2m, 1h, 1m30s; a bare number is seconds.</summary>
internal static class DurationText
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var span = text.AsSpan().Trim();
        if (decimal.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var bare))
        {
            duration = TimeSpan.FromSeconds((double)bare);
            return true;
        }
        var total = 0m;
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && (char.IsAsciiDigit(span[digits]) || span[digits] == '.')) digits++;
            if (digits == 0 || !decimal.TryParse(span[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)) return false;
            span = span[digits..];
            var unitLength = 0;
            while (unitLength < span.Length && char.IsAsciiLetter(span[unitLength])) unitLength++;
            decimal seconds;
            switch (span[..unitLength])
            {
                case "ms": seconds = 0.001m; break;
                case "s": seconds = 1m; break;
                case "m": seconds = 60m; break;
                case "h": seconds = 3600m; break;
                default: return false;
            }
            total += number * seconds;
            span = span[unitLength..];
        }
        duration = TimeSpan.FromSeconds((double)total);
        return true;
    }

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"'{text}' is not a duration (try 500ms, 10s, 2m)");

    public static string Format(TimeSpan duration) =>
        duration.TotalSeconds >= 1
            ? duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s"
            : duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
}

using System.Globalization;

namespace Strata.Client.Connection;

/// <summary>
/// A point in time as the recovery commands accept it: ISO 8601 (<c>2026-11-25T10:00:00Z</c>; without an
/// offset it is local time, as awscli reads it) or relative to now (<c>-30s</c>, <c>-30m</c>, <c>-2h</c>,
/// <c>-1d</c>, <c>-1w</c>). A time after now is refused: no history exists there, and a typo in the year
/// would otherwise "restore" to today without a word.
/// </summary>
public static class TimeExpression
{
    /// <summary>Parses <paramref name="text"/> against <paramref name="now"/>; the error explains the accepted forms.</summary>
    public static bool TryParse(string? text, DateTimeOffset now, out DateTimeOffset time, out string error)
    {
        time = default;
        error = $"'{text}' is not a time: use ISO 8601 (2026-11-25T10:00:00Z) or a relative form (-30m, -2h, -1d).";
        if (string.IsNullOrWhiteSpace(text)) return false;
        var trimmed = text.Trim();
        if (trimmed.Length >= 3 && trimmed[0] == '-' && char.IsAsciiDigit(trimmed[1]))
        {
            var unit = trimmed[^1];
            if (!long.TryParse(trimmed.AsSpan(1, trimmed.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)) return false;
            TimeSpan? span = unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                'd' => TimeSpan.FromDays(amount),
                'w' => TimeSpan.FromDays(7 * amount),
                _ => null,
            };
            if (span is null) return false;
            time = now - span.Value;
            return true;
        }
        if (!DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out time)) return false;
        time = time.ToUniversalTime();
        if (time > now)
        {
            error = $"'{text}' is in the future ({Format(time)}; it is now {Format(now)}): give a time in the past.";
            return false;
        }
        return true;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> with a plain message.</summary>
    public static DateTimeOffset Parse(string text, DateTimeOffset now) =>
        TryParse(text, now, out var time, out var error) ? time : throw new FormatException(error);

    /// <summary>The form the commands print: UTC, milliseconds, as S3 keeps LastModified.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

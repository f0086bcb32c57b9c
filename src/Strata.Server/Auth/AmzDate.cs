using System.Globalization;

namespace Strata.Server.Auth;

/// <summary>SigV4's basic ISO 8601 timestamps: "yyyyMMdd'T'HHmmss'Z'" and the scope's "yyyyMMdd".</summary>
internal static class AmzDate
{
    public const int TimestampLength = 16;

    public static bool TryParseTimestamp(ReadOnlySpan<char> text, out DateTimeOffset value)
    {
        value = default;
        return text.Length == TimestampLength && text[8] == 'T' && text[15] == 'Z'
            && DateTimeOffset.TryParseExact(text, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);
    }

    public static bool TryParseDate(ReadOnlySpan<char> text, out DateOnly value)
    {
        value = default;
        return text.Length == 8 && DateOnly.TryParseExact(text, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }

    /// <summary>The HTTP Date header, which SigV4 allows in place of x-amz-date.</summary>
    public static bool TryParseHttpDate(ReadOnlySpan<char> text, out DateTimeOffset value) =>
        DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value);

    public static string FormatTimestamp(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Strata.Bench.Units;

/// <summary>
/// Sizes as people type them: 4KiB, 64MiB, 1GiB (powers of 1024), 4KB, 1MB (powers of 1000, as warp and dd
/// read them), or a plain byte count. Parsed once at the edge; everything inside counts bytes.
/// </summary>
internal static class ByteSize
{
    private static readonly (string Suffix, long Factor)[] Suffixes =
    [
        // Longest first, so "KiB" is not read as "B".
        ("KiB", 1L << 10), ("MiB", 1L << 20), ("GiB", 1L << 30), ("TiB", 1L << 40),
        ("KB", 1000L), ("MB", 1000L * 1000), ("GB", 1000L * 1000 * 1000), ("TB", 1000L * 1000 * 1000 * 1000),
        ("K", 1L << 10), ("M", 1L << 20), ("G", 1L << 30),
        ("B", 1L),
    ];

    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var span = text.AsSpan().Trim();
        long factor = 1;
        foreach (var (suffix, f) in Suffixes)
        {
            if (span.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                span = span[..^suffix.Length].TrimEnd();
                factor = f;
                break;
            }
        }
        if (!decimal.TryParse(span, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) || number < 0) return false;
        var value = number * factor;
        if (value > long.MaxValue || value != decimal.Truncate(value)) return false;
        bytes = (long)value;
        return true;
    }

    public static long Parse(string text) =>
        TryParse(text, out var bytes) ? bytes : throw new FormatException($"'{text}' is not a size (try 4KiB, 64MiB, 1MB or a byte count)");

    /// <summary>The shortest exact binary form: 4096 → "4KiB", 67108864 → "64MiB", 1000 → "1000B".</summary>
    public static string Format(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        var unit = 0;
        while (unit < units.Length - 1 && bytes != 0 && bytes % 1024 == 0)
        {
            bytes /= 1024;
            unit++;
        }
        return bytes.ToString(CultureInfo.InvariantCulture) + units[unit];
    }
}

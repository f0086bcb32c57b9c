namespace Strata.Bench.Stats;

/// <summary>The arithmetic every figure goes through, kept in one place so the tests pin it down.</summary>
internal static class Rates
{
    /// <summary>MB/s means 10^6 bytes per second, as warp, fio and dd print it.</summary>
    public const double BytesPerMegabyte = 1_000_000.0;

    public static double PerSecond(long count, TimeSpan elapsed) =>
        elapsed <= TimeSpan.Zero ? 0 : count / elapsed.TotalSeconds;

    public static double MegabytesPerSecond(long bytes, TimeSpan elapsed) =>
        elapsed <= TimeSpan.Zero ? 0 : bytes / BytesPerMegabyte / elapsed.TotalSeconds;

    /// <summary>value / limit; null when the limit is missing or zero, so no ratio is invented.</summary>
    public static double? Ratio(double value, double? limit) =>
        limit is { } l && l > 0 && double.IsFinite(l) && double.IsFinite(value) ? value / l : null;

    /// <summary>Per-operation cost of a counter delta (CPU time, allocated bytes); 0 when nothing ran.</summary>
    public static double PerOperation(double delta, long operations) => operations <= 0 ? 0 : delta / operations;
}

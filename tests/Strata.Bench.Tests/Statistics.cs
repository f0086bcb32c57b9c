using Strata.Bench.Stats;

namespace Strata.Bench.Tests;

public sealed class Statistics
{
    [Fact]
    public void An_empty_histogram_reports_zero()
    {
        var histogram = new LatencyHistogram();
        Assert.Equal(0, histogram.Percentile(50));
        Assert.Equal(0, histogram.Percentile(99));
        Assert.Equal(0, histogram.MeanMicroseconds);
    }

    [Fact]
    public void Small_values_are_exact()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 100; v++) histogram.Record(v);
        Assert.Equal(50, histogram.Percentile(50));
        Assert.Equal(99, histogram.Percentile(99));
        Assert.Equal(100, histogram.Percentile(100));
        Assert.Equal(1, histogram.Percentile(0));
        Assert.Equal(50.5, histogram.MeanMicroseconds);
    }

    [Theory]
    [InlineData(50, 500_000)]
    [InlineData(90, 900_000)]
    [InlineData(99, 990_000)]
    [InlineData(99.9, 999_000)]
    public void Percentiles_of_a_uniform_spread_are_within_one_percent(double percent, double expected)
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 1_000_000; v++) histogram.Record(v);
        Assert.InRange(histogram.Percentile(percent), expected * 0.99, expected * 1.01);
        Assert.Equal(1_000_000, histogram.MaxMicroseconds);
    }

    [Fact]
    public void A_slow_tail_shows_in_p99_and_not_in_p50()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 980; i++) histogram.Record(1_000);
        for (var i = 0; i < 20; i++) histogram.Record(250_000);
        Assert.InRange(histogram.Percentile(50), 990, 1010);
        Assert.InRange(histogram.Percentile(99), 247_500, 252_500);
        Assert.Equal(250_000, histogram.MaxMicroseconds);
    }

    [Fact]
    public void Merged_histograms_answer_as_one()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var whole = new LatencyHistogram();
        for (var v = 1; v <= 5000; v++)
        {
            (v % 2 == 0 ? a : b).Record(v * 37);
            whole.Record(v * 37);
        }
        a.Add(b);
        Assert.Equal(whole.Count, a.Count);
        Assert.Equal(whole.MinMicroseconds, a.MinMicroseconds);
        Assert.Equal(whole.MaxMicroseconds, a.MaxMicroseconds);
        foreach (var p in new[] { 1.0, 50, 90, 99, 99.99 }) Assert.Equal(whole.Percentile(p), a.Percentile(p));
    }

    [Fact]
    public void Buckets_tile_the_range_without_gaps_or_overlaps()
    {
        long expectedLow = 0;
        for (var bucket = 0; bucket < 3000; bucket++)
        {
            var (low, high) = LatencyHistogram.BoundsOf(bucket);
            Assert.Equal(expectedLow, low);
            Assert.Equal(bucket, LatencyHistogram.BucketOf(low));
            Assert.Equal(bucket, LatencyHistogram.BucketOf(high));
            Assert.True(high - low <= Math.Max(0, low / 128), $"bucket {bucket} is wider than 1/128 of its value");
            expectedLow = high + 1;
        }
    }

    [Fact]
    public void Rates_divide_by_the_elapsed_seconds()
    {
        Assert.Equal(3000, Rates.PerSecond(30_000, TimeSpan.FromSeconds(10)));
        Assert.Equal(64, Rates.MegabytesPerSecond(64_000_000, TimeSpan.FromSeconds(1)));
        Assert.Equal(67.108864, Rates.MegabytesPerSecond(64L * 1024 * 1024, TimeSpan.FromSeconds(1)), precision: 9);
        Assert.Equal(0, Rates.PerSecond(5, TimeSpan.Zero));
        Assert.Equal(250, Rates.PerOperation(1000, 4));
        Assert.Equal(0, Rates.PerOperation(1000, 0));
    }

    [Fact]
    public void Ratios_are_figure_over_limit_and_absent_without_a_limit()
    {
        Assert.Equal(0.5, Rates.Ratio(1500, 3000));
        Assert.Equal(1.25, Rates.Ratio(5000, 4000));
        Assert.Null(Rates.Ratio(1500, null));
        Assert.Null(Rates.Ratio(1500, 0));
        Assert.Null(Rates.Ratio(double.NaN, 10));
    }
}

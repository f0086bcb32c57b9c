using Strata.Bench.Units;

namespace Strata.Bench.Tests;

public sealed class Units
{
    [Theory]
    [InlineData("4KiB", 4096)]
    [InlineData("64MiB", 64L * 1024 * 1024)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("4kib", 4096)]
    [InlineData("1KB", 1000)]
    [InlineData("1MB", 1_000_000)]
    [InlineData("512", 512)]
    [InlineData("512B", 512)]
    [InlineData("1.5KiB", 1536)]
    [InlineData(" 16 KiB ", 16384)]
    [InlineData("4K", 4096)]
    public void Sizes_parse_as_people_type_them(string text, long expected)
    {
        Assert.True(ByteSize.TryParse(text, out var bytes));
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("KiB")]
    [InlineData("-4KiB")]
    [InlineData("4 parsecs")]
    [InlineData("0.3B")]
    public void Sizes_that_are_not_sizes_are_refused(string text) => Assert.False(ByteSize.TryParse(text, out _));

    [Theory]
    [InlineData(4096, "4KiB")]
    [InlineData(64L * 1024 * 1024, "64MiB")]
    [InlineData(1000, "1000B")]
    [InlineData(1536, "1536B")]
    public void Sizes_print_in_their_shortest_exact_binary_form(long bytes, string expected) => Assert.Equal(expected, ByteSize.Format(bytes));

    [Theory]
    [InlineData("10s", 10_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("3", 3_000)]
    public void Durations_parse_as_warp_reads_them(string text, double milliseconds)
    {
        Assert.True(DurationText.TryParse(text, out var duration));
        Assert.Equal(milliseconds, duration.TotalMilliseconds, precision: 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("10 seconds")]
    [InlineData("10d")]
    public void Durations_that_are_not_durations_are_refused(string text) => Assert.False(DurationText.TryParse(text, out _));
}

using System.Globalization;
using Strata.Server.Hosting;

namespace Strata.Cli;

/// <summary>`strata serve --scrub-interval DURATION --scrub-rate MB/s`: a malformed value is refused (exit 2), never replaced by the default.</summary>
internal static class ScrubSettings
{
    public static async Task<bool> ApplyAsync(string? interval, string? rate, StrataServerOptions options)
    {
        if (interval is not null)
        {
            if (!Strata.Bench.Units.DurationText.TryParse(interval, out var every) || every < TimeSpan.Zero)
            {
                await Console.Error.WriteLineAsync($"strata serve: --scrub-interval (STRATA_SCRUB_INTERVAL) must be a duration such as 24h, 168h or 0; got '{interval}'.");
                return false;
            }
            options.ScrubInterval = every;
        }
        if (rate is not null)
        {
            if (!double.TryParse(rate, NumberStyles.Float, CultureInfo.InvariantCulture, out var megabytes) || megabytes < 0 || double.IsInfinity(megabytes))
            {
                await Console.Error.WriteLineAsync($"strata serve: --scrub-rate (STRATA_SCRUB_RATE) must be a number of MB/s such as 50, or 0 for unpaced; got '{rate}'.");
                return false;
            }
            options.ScrubBytesPerSecond = (long)(megabytes * 1_000_000);
        }
        return true;
    }
}

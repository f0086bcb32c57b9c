namespace Strata.Core.Lifecycle;

/// <summary>
/// S3's day arithmetic: "Amazon S3 calculates the time by adding the number of days specified in the rule to the
/// object creation time and rounding up the resulting time to the next day's midnight UTC." The same holds for
/// noncurrent days (counted from the moment the version became noncurrent) and for aborting uploads (from initiation).
/// </summary>
public static class LifecycleClock
{
    /// <summary>The moment an action of <paramref name="days"/> days starting at <paramref name="from"/> is due.</summary>
    public static DateTimeOffset DueAt(DateTimeOffset from, int days)
    {
        var due = from.ToUniversalTime().AddDays(days);
        var midnight = new DateTimeOffset(due.Year, due.Month, due.Day, 0, 0, 0, TimeSpan.Zero);
        return midnight == due ? due : midnight.AddDays(1);
    }

    public static bool IsDue(DateTimeOffset from, int days, DateTimeOffset now) => now >= DueAt(from, days);
}

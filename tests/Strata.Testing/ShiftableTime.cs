namespace Strata.Testing;

/// <summary>
/// The real clock plus an offset a test moves forward, so it can step through 30-second MFA code windows
/// without waiting (and stay well inside SigV4's 15 minutes of allowed skew).
/// </summary>
public sealed class ShiftableTime : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow().AddTicks(Interlocked.Read(ref _offsetTicks));

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);
}

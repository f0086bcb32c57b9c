namespace Strata.Cli;

/// <summary>How every option that takes a TIME says what it accepts, in one place so the commands agree.</summary>
internal static class TimeHelp
{
    // As awscli reads a timestamp without a zone: local time. A time in the future is refused (exit 2).
    public const string Forms = "ISO 8601 such as 2026-11-25T10:00:00Z; without Z or an offset, local time; "
        + "or relative: -30m, -2h, -1d; not in the future";
}

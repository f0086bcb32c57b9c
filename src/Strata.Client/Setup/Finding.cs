namespace Strata.Client.Setup;

/// <summary>How one check of `strata doctor` came out.</summary>
public enum FindingResult
{
    /// <summary>As the recipe wants it.</summary>
    Pass,

    /// <summary>Works, but costs money or protection; does not fail the audit.</summary>
    Warn,

    /// <summary>Wrong or dangerous; the audit fails (exit 1).</summary>
    Fail,

    /// <summary>The endpoint does not implement what the check needs (501 NotImplemented), so it was not checked.</summary>
    NotAvailable,
}

/// <summary>One line of the audit: what was checked, how it came out, what was seen, and how to fix it.</summary>
/// <param name="Check">What was checked, e.g. "media: versioning".</param>
/// <param name="Result">Pass, warn, fail or not available.</param>
/// <param name="Detail">What the endpoint answered, in a few words.</param>
/// <param name="Fix">What to do about it; null when nothing is to be done.</param>
public sealed record Finding(string Check, FindingResult Result, string Detail, string? Fix = null);

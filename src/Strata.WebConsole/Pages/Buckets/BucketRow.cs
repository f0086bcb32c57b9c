using Strata.Engine.Diagnostics;

namespace Strata.WebConsole.Pages.Buckets;

/// <summary>A setting read with the user's key: its text, or the refusal that kept it from being read (shown as a dash).</summary>
public sealed record Cell(string? Text, string? Refusal = null)
{
    public static Cell Refused(string why) => new(null, why);
}

/// <summary>One line of the buckets page.</summary>
public sealed record BucketRow(string Name, DateTime? Created, Cell Versioning, Cell MfaDelete, Cell ObjectLock, Cell Lifecycle, BucketFigures? Figures);

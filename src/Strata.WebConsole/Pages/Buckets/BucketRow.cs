using Strata.Engine.Diagnostics;

namespace Strata.WebConsole.Pages.Buckets;

/// <summary>A setting read with the user's key: its text, or the refusal that kept it from being read (shown as a dash).</summary>
public sealed record Cell(string? Text, string? Refusal = null)
{
    public static Cell Refused(string why) => new(null, why);
}

/// <summary>
/// One line of the buckets page. The engine's <paramref name="Figures"/> are shown only to a key that may list the
/// bucket (s3:ListBucket, asked by HeadBucket): it could count them itself; otherwise <paramref name="FiguresRefusal"/> says why not.
/// </summary>
public sealed record BucketRow(string Name, DateTime? Created, Cell Versioning, Cell MfaDelete, Cell ObjectLock, Cell Lifecycle, BucketFigures? Figures, string? FiguresRefusal);

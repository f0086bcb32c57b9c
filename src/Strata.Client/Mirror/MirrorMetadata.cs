using System.Globalization;

namespace Strata.Client.Mirror;

/// <summary>
/// The user metadata <c>strata mirror</c> writes on every copy, so that a re-run can tell what is already there
/// and a point-in-time restore on the mirror answers as on the source. The one place these names are spelled.
/// </summary>
public static class MirrorMetadata
{
    /// <summary>The version id the copy was made from (compared on a re-run: that version is already there).</summary>
    public const string SourceVersionId = "x-amz-meta-strata-source-version-id";

    /// <summary>When the source version was made (ISO 8601, UTC, milliseconds): the copy's time for <c>restore --at</c>.</summary>
    public const string SourceLastModified = "x-amz-meta-strata-source-last-modified";

    /// <summary>
    /// When the delete marker right above the source version was made. S3 gives a delete marker no metadata,
    /// so the time of a mirrored marker rides on the version it hides.
    /// </summary>
    public const string SourceDeletedAt = "x-amz-meta-strata-source-deleted-at";

    /// <summary>The form the times are written in, as S3 keeps LastModified: UTC with milliseconds.</summary>
    public static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>A time written by <see cref="FormatTime"/>, or null when the value is missing or not a time.</summary>
    public static DateTimeOffset? ParseTime(string? text) =>
        text is { Length: > 0 } && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : null;
}

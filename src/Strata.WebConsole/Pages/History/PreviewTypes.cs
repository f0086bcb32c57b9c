namespace Strata.WebConsole.Pages.History;

/// <summary>
/// Which stored content types the console shows. Images only of a safe list (PNG, JPEG, GIF, WebP): SVG is a
/// document that can carry script, so it is never shown inline. Text by its type, always rendered escaped.
/// </summary>
internal static class PreviewTypes
{
    private static readonly string[] Images = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    private static readonly string[] TextTypes = ["application/json", "application/xml", "text/xml", "text/csv", "application/csv", "application/x-ndjson", "application/yaml"];

    /// <summary>The canonical image type to serve inline, or null when <paramref name="contentType"/> is not on the safe list.</summary>
    public static string? SafeImage(string? contentType)
    {
        var media = Media(contentType);
        if (media == "image/jpg" || media == "image/pjpeg") return "image/jpeg";
        return Array.IndexOf(Images, media) >= 0 ? media : null;
    }

    public static bool IsText(string? contentType)
    {
        var media = Media(contentType);
        return media.StartsWith("text/", StringComparison.Ordinal) || Array.IndexOf(TextTypes, media) >= 0
            || media.EndsWith("+json", StringComparison.Ordinal) || media.EndsWith("+xml", StringComparison.Ordinal) && media != "image/svg+xml";
    }

    private static string Media(string? contentType)
    {
        if (string.IsNullOrEmpty(contentType)) return "";
        var semicolon = contentType.IndexOf(';');
        return (semicolon >= 0 ? contentType[..semicolon] : contentType).Trim().ToLowerInvariant();
    }
}

namespace Strata.WebConsole.Pages.History;

/// <summary>One entry of a key's timeline: a version or a delete marker, as ListObjectVersions gives it.</summary>
public sealed record VersionEntry(string VersionId, DateTime? LastModified, long Size, string? ETag, string? Owner, bool IsLatest, bool IsDeleteMarker, string? StorageClass);

/// <summary>What the preview pane shows for the selected version: an image, the start of a text, or why there is none.</summary>
public abstract record Preview
{
    public sealed record Image(string Url) : Preview;

    /// <param name="Truncated">The version is longer than what is shown.</param>
    public sealed record Text(string Content, bool Truncated) : Preview;

    public sealed record None(string Reason) : Preview;
}

/// <summary>A page of a key's timeline, newest first, with the selected version's preview.</summary>
public sealed record HistoryModel(
    string Bucket,
    string Key,
    IReadOnlyList<VersionEntry> Versions,
    string? NextToken,
    bool IsFirstPage,
    VersionEntry? Selected,
    string? SelectedContentType,
    Preview? Preview)
{
    /// <summary>The key's latest entry is a delete marker: the page offers Undelete.</summary>
    public bool IsDeleted => Versions.Any(v => v.IsLatest && v.IsDeleteMarker);

    /// <summary>The folder the key is in, for the restore-a-folder link ("" at the top).</summary>
    public string Folder => Key.LastIndexOf('/') is var slash and >= 0 ? Key[..(slash + 1)] : "";
}

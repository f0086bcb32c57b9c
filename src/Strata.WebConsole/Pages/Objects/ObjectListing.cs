namespace Strata.WebConsole.Pages.Objects;

/// <summary>A key on the objects page: its current object, or (with "show deleted") the delete marker on top of it.</summary>
public sealed record ObjectRow(string Key, long Size, DateTime? LastModified, string? ETag, bool IsDeleted);

/// <summary>One page of a bucket's listing at a prefix: folders, keys, and the token of the next page when there is one.</summary>
public sealed record ObjectListing(string Bucket, string Prefix, bool ShowDeleted, IReadOnlyList<string> Folders, IReadOnlyList<ObjectRow> Rows, string? NextToken, bool IsFirstPage)
{
    /// <summary>The folder being shown: the prefix up to its last "/" (a search for "photos/be" shows the photos/ folder's names).</summary>
    public string Folder => Prefix[..(Prefix.LastIndexOf('/') + 1)];

    /// <summary>The part of <paramref name="full"/> below the folder, as a row shows it.</summary>
    public string Relative(string full) => full.StartsWith(Folder, StringComparison.Ordinal) ? full[Folder.Length..] : full;
}

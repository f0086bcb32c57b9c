namespace Strata.AspNetCore.FileSystem;

/// <summary>A storage in a local directory, for development (section <c>Storages:NAME</c> with <c>"Backend": "FileSystem"</c>).</summary>
public sealed class FileSystemStorageOptions
{
    /// <summary>The directory files live in; required. Created when missing.</summary>
    public string? Location { get; set; }

    /// <summary>The URL the directory is served at (<c>/media/</c>); a file's URL is this plus its name.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Whether saving a taken name replaces the file, or stores it under a new name (Django's default for the file system).</summary>
    public bool FileOverwrite { get; set; }
}

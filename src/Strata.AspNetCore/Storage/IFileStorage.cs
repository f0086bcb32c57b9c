namespace Strata.AspNetCore.Storage;

/// <summary>
/// A named place for an application's files, in the spirit of Django's Storage API: the S3 backend
/// (<see cref="S3.S3Storage"/>) or a local directory (<see cref="FileSystem.FileSystemStorage"/>).
/// Names are relative, '/'-separated paths checked by <see cref="StorageName.Validate"/>.
/// </summary>
public interface IFileStorage
{
    /// <summary>
    /// Stores <paramref name="content"/> (read from its current position to its end) under <paramref name="name"/>
    /// and returns the name it was stored under. When the storage does not overwrite files and the name is taken,
    /// the file is stored under a new name with a random suffix before its extensions, as Django does:
    /// <c>photos/cat.jpg</c> becomes <c>photos/cat_a1B2c3D.jpg</c>.
    /// </summary>
    Task<string> SaveAsync(string name, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Opens the file for reading; the caller disposes the stream. Throws <see cref="FileNotFoundException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes the file; deleting a file that does not exist is not an error. On a versioned bucket this adds a delete marker.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Whether a file of that name exists now.</summary>
    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>The file's size in bytes. Throws <see cref="FileNotFoundException"/> when there is none.</summary>
    Task<long> GetSizeAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>When the file was last written. Throws <see cref="FileNotFoundException"/> when there is none.</summary>
    Task<DateTimeOffset> GetLastModifiedAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// The URL a browser fetches the file from: a presigned URL with an expiry, or a public URL (a custom domain
    /// or the storage's base URL), as the storage is configured. Does not check that the file exists.
    /// </summary>
    string GetUrl(string name);

    /// <summary>
    /// The folders and files directly inside <paramref name="directory"/> ("" for the top), as names relative to it,
    /// each list in ordinal order. A directory with nothing in it, or none at all, lists empty.
    /// </summary>
    Task<StorageListing> ListAsync(string directory, CancellationToken cancellationToken = default);
}

using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.FileSystem;

/// <summary>A storage in a local directory, for development and tests; the same contract as the S3 backend.</summary>
public sealed class FileSystemStorage : IFileStorage
{
    // Uploads are written beside their target and renamed into place, so a reader never sees half a file.
    private const string TempPrefix = ".strata-upload-";
    private const int MaxAttempts = 100;
    private readonly string _root;
    private readonly FileSystemStorageOptions _options;

    /// <summary>A storage in <see cref="FileSystemStorageOptions.Location"/>, which is created when missing.</summary>
    public FileSystemStorage(FileSystemStorageOptions options)
    {
        _options = options;
        if (string.IsNullOrWhiteSpace(options.Location)) throw new ArgumentException("FileSystemStorageOptions.Location is required.", nameof(options));
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.Location));
        Directory.CreateDirectory(_root);
    }

    /// <inheritdoc />
    public async Task<string> SaveAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temp = Path.Combine(directory, TempPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await content.CopyToAsync(file, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            if (_options.FileOverwrite)
            {
                File.Move(temp, path, overwrite: true);
                return name;
            }
            var candidate = name;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // The name is claimed by creating it exclusively (O_EXCL), which one writer wins; the content then
                    // replaces the empty claim in one rename. File.Move without overwrite checks, then renames: two
                    // racing uploads could both pass the check and one would be lost.
                    new FileStream(PathOf(candidate), FileMode.CreateNew, FileAccess.Write, FileShare.None).Dispose();
                }
                catch (IOException) when (File.Exists(PathOf(candidate)) || Directory.Exists(PathOf(candidate)))
                {
                    if (attempt == MaxAttempts) throw new IOException($"No free name like '{name}' was found after {MaxAttempts} tries.");
                    candidate = StorageName.Alternative(name);
                    continue;
                }
                File.Move(temp, PathOf(candidate), overwrite: true);
                return candidate;
            }
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <inheritdoc />
    public Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        try
        {
            return Task.FromResult<Stream>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.Asynchronous));
        }
        catch (DirectoryNotFoundException)
        {
            throw NotFound(name);
        }
        catch (UnauthorizedAccessException) when (Directory.Exists(path))
        {
            throw NotFound(name);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        var path = PathOf(name);
        if (File.Exists(path)) File.Delete(path);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(PathOf(name)));

    /// <inheritdoc />
    public Task<long> GetSizeAsync(string name, CancellationToken cancellationToken = default) => Task.FromResult(Info(name).Length);

    /// <inheritdoc />
    public Task<DateTimeOffset> GetLastModifiedAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(new DateTimeOffset(Info(name).LastWriteTimeUtc, TimeSpan.Zero));

    /// <inheritdoc />
    public string GetUrl(string name)
    {
        StorageName.Validate(name);
        if (_options.BaseUrl is not { Length: > 0 } baseUrl) throw new InvalidOperationException($"This storage has no BaseUrl, so '{name}' has no URL.");
        return baseUrl.TrimEnd('/') + "/" + StorageName.ToUrlPath(name);
    }

    /// <inheritdoc />
    public Task<StorageListing> ListAsync(string directory, CancellationToken cancellationToken = default)
    {
        var folder = StorageName.ValidateDirectory(directory);
        var path = folder.Length == 0 ? _root : PathOf(folder);
        if (!Directory.Exists(path)) return Task.FromResult(new StorageListing([], []));
        var directories = Directory.EnumerateDirectories(path).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToList();
        var files = Directory.EnumerateFiles(path).Select(Path.GetFileName).OfType<string>()
            .Where(file => !file.StartsWith(TempPrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        return Task.FromResult(new StorageListing(directories, files));
    }

    private FileInfo Info(string name)
    {
        var info = new FileInfo(PathOf(name));
        return info.Exists ? info : throw NotFound(name);
    }

    private string PathOf(string name)
    {
        var path = Path.GetFullPath(Path.Combine(_root, StorageName.Validate(name)));
        // Validate already refuses '..'; this catches whatever a platform's path rules might still resolve outside.
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw new StorageNameException(name, "it resolves outside the storage's directory");
        return path;
    }

    private static FileNotFoundException NotFound(string name) => new($"'{name}' does not exist in the storage.", name);
}

namespace Strata.AspNetCore.Storage;

/// <summary>
/// A stream that can be read again: a save that must retry under a new name, or a client that needs the length,
/// reads the content twice. A non-seekable body goes to a temporary file once, never to memory.
/// </summary>
internal static class Spool
{
    /// <summary>The temporary copy, or null when <paramref name="content"/> can seek already.</summary>
    public static async Task<FileStream?> IfNeededAsync(Stream content, CancellationToken cancellationToken)
    {
        if (content.CanSeek) return null;
        var path = Path.Combine(Path.GetTempPath(), "strata-spool-" + Guid.NewGuid().ToString("N"));
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            await content.CopyToAsync(file, cancellationToken);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}

using System.Security.Cryptography;

namespace Strata.Client.Static;

/// <summary>One file of the source folder, with the hashes that decide whether its object must be uploaded.</summary>
/// <param name="RelativePath">The path under the source folder, with "/" between folders (the key's tail).</param>
/// <param name="FullPath">Where the file is on disk.</param>
/// <param name="Size">Its length in bytes.</param>
/// <param name="Md5">Lower-case hex MD5 of the content: what a single-part upload's ETag is.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content, kept in the object's x-amz-meta-sha256.</param>
/// <param name="ContentType">The Content-Type from the extension.</param>
public sealed record StaticFile(string RelativePath, string FullPath, long Size, string Md5, string Sha256, string ContentType)
{
    /// <summary>
    /// The files under <paramref name="source"/>, in ordinal order of their relative paths. Skipped as Django's
    /// collectstatic skips them by default: names starting with "." (.git, .DS_Store), ending in "~", and "CVS".
    /// </summary>
    public static IEnumerable<string> Enumerate(string source)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = 0 };
        var files = new List<string>();
        foreach (var path in Directory.EnumerateFiles(source, "*", options))
        {
            var relative = Path.GetRelativePath(source, path).Replace(Path.DirectorySeparatorChar, '/');
            if (!relative.Split('/').Any(Ignored)) files.Add(relative);
        }
        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Reads the file once for both hashes.</summary>
    public static async Task<StaticFile> ReadAsync(string source, string relativePath, CancellationToken cancellationToken)
    {
        var fullPath = Path.Combine(source, relativePath);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        long size = 0;
        try
        {
            await using var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan);
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                md5.AppendData(buffer, 0, read);
                sha256.AppendData(buffer, 0, read);
                size += read;
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
        return new StaticFile(relativePath, fullPath, size, Convert.ToHexStringLower(md5.GetHashAndReset()),
            Convert.ToHexStringLower(sha256.GetHashAndReset()), StaticContentTypes.For(relativePath));
    }

    private static bool Ignored(string name) => name.StartsWith('.') || name.EndsWith('~') || name == "CVS";
}

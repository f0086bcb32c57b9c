using Strata.AspNetCore.Static;
using Strata.Client.Static;

namespace Strata.Cli;

/// <summary>
/// collectstatic's `--manifest`, as Django's ManifestStaticFilesStorage: beside each file, a copy under its
/// content-hashed name (<c>css/site.css</c> → <c>css/site.6700e3e57796.css</c>, named by the library's
/// <see cref="StaticManifest.HashedNameAsync"/>) and a <c>staticfiles.json</c> mapping one to the other, which the
/// app's <c>StaticUrls</c> reads with <c>UseManifest</c>. Both are ordinary entries of the sync: a hashed name changes
/// only with the content and the manifest is written sorted, so a second run with nothing changed uploads nothing.
/// </summary>
internal sealed class CollectStaticManifest : IDisposable
{
    private readonly DirectoryInfo _scratch = Directory.CreateTempSubdirectory("strata-manifest-");

    /// <summary><paramref name="files"/>, their hashed copies and the manifest, in key order.</summary>
    public async Task<List<StaticFile>> AddToAsync(IReadOnlyList<StaticFile> files, CancellationToken cancellationToken)
    {
        // A file of the source folder named like the manifest would be replaced by it: it is left out.
        var originals = files.Where(f => f.RelativePath != StaticManifest.DefaultName).ToList();
        var taken = originals.Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
        var paths = new Dictionary<string, string>(StringComparer.Ordinal);
        var all = new List<StaticFile>(originals);
        foreach (var file in originals)
        {
            string hashed;
            await using (var content = new FileStream(file.FullPath, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan))
            {
                hashed = await StaticManifest.HashedNameAsync(file.RelativePath, content, cancellationToken);
            }
            paths[file.RelativePath] = hashed;
            // A source file already named so (collected from a folder that was itself collected) is uploaded as it is.
            if (taken.Add(hashed)) all.Add(file with { RelativePath = hashed });
        }

        var manifestPath = Path.Combine(_scratch.FullName, StaticManifest.DefaultName);
        await using (var json = File.Create(manifestPath))
        {
            await new StaticManifest(paths).WriteAsync(json, cancellationToken);
        }
        all.Add(await StaticFile.ReadAsync(_scratch.FullName, StaticManifest.DefaultName, cancellationToken));
        all.Sort((a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath));
        return all;
    }

    public void Dispose() => _scratch.Delete(recursive: true);
}

using System.Security.Cryptography;
using System.Text.Json;

namespace Strata.AspNetCore.Static;

/// <summary>
/// Django's ManifestStaticFilesStorage manifest (<c>staticfiles.json</c>): each static file's name mapped to a copy
/// named after its content (<c>css/site.css</c> → <c>css/site.5d41402abc4b.css</c>), so a page can let browsers
/// cache the file for a year and still get the new one the moment it changes.
/// </summary>
public sealed class StaticManifest
{
    /// <summary>The manifest's default name in the static storage, as Django names it.</summary>
    public const string DefaultName = "staticfiles.json";

    private readonly Dictionary<string, string> _paths;

    /// <summary>A manifest of these mappings, original name → hashed name.</summary>
    public StaticManifest(IReadOnlyDictionary<string, string> paths) => _paths = new(paths, StringComparer.Ordinal);

    /// <summary>The mappings, original name → hashed name.</summary>
    public IReadOnlyDictionary<string, string> Paths => _paths;

    /// <summary>The hashed name of <paramref name="name"/>, or null when the manifest does not list it.</summary>
    public string? Find(string name) => _paths.GetValueOrDefault(name);

    /// <summary>
    /// Django's hashed name: the first 12 hex digits of the content's MD5 between the stem and the last extension
    /// (<c>js/app.min.js</c> → <c>js/app.min.0cc175b9c0f1.js</c>). Reads <paramref name="content"/> to its end.
    /// </summary>
    public static async Task<string> HashedNameAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        var hash = Convert.ToHexStringLower(await MD5.HashDataAsync(content, cancellationToken))[..12];
        var slash = name.LastIndexOf('/');
        var dot = name.LastIndexOf('.');
        // os.path.splitext: a dot that starts the file's name is not an extension.
        return dot <= slash + 1 ? $"{name}.{hash}" : $"{name[..dot]}.{hash}{name[dot..]}";
    }

    /// <summary>Reads a manifest in Django's format (<c>{"paths": {...}, "version": "1.1"}</c>).</summary>
    /// <exception cref="InvalidDataException">The document is not such a manifest.</exception>
    public static async Task<StaticManifest> ReadAsync(Stream json, CancellationToken cancellationToken = default)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(json, default, cancellationToken);
            if (!document.RootElement.TryGetProperty("paths", out var paths) || paths.ValueKind != JsonValueKind.Object)
                throw new InvalidDataException("The static manifest has no \"paths\" object.");
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in paths.EnumerateObject())
            {
                map[entry.Name] = entry.Value.GetString() ?? throw new InvalidDataException($"The static manifest maps '{entry.Name}' to nothing.");
            }
            return new StaticManifest(map);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The static manifest is not JSON: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidDataException($"The static manifest maps a name to something other than a string: {e.Message}", e);
        }
    }

    /// <summary>Writes the manifest in Django's format, version 1.1.</summary>
    public async Task WriteAsync(Stream json, CancellationToken cancellationToken = default)
    {
        var sorted = new SortedDictionary<string, string>(_paths, StringComparer.Ordinal);
        await JsonSerializer.SerializeAsync(json, new Dictionary<string, object> { ["paths"] = sorted, ["version"] = "1.1" }, cancellationToken: cancellationToken);
    }
}

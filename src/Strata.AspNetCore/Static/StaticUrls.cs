using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Static;

/// <summary>
/// Turns <c>css/site.css</c> into the static storage's URL for it, through the manifest's hashed name when one is
/// used (like Django's <c>{% static %}</c>). Registered by <c>AddStrataStaticUrls</c>; the manifest is read once at start.
/// </summary>
public sealed class StaticUrls
{
    private readonly IFileStorage _storage;
    private readonly StaticUrlOptions _options;
    private StaticManifest? _manifest;

    /// <summary>Static URLs from the storage named in <paramref name="options"/>.</summary>
    public StaticUrls(IServiceProvider services, IOptions<StaticUrlOptions> options)
    {
        _options = options.Value;
        _storage = services.GetKeyedService<IFileStorage>(_options.Storage)
            ?? throw new InvalidOperationException($"Static URLs use the storage '{_options.Storage}', which is not configured (Storages:{_options.Storage}).");
    }

    /// <summary>Reads the manifest from the static storage when <see cref="StaticUrlOptions.UseManifest"/> is on.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken = default)
    {
        if (!_options.UseManifest) return;
        try
        {
            await using var json = await _storage.OpenReadAsync(_options.ManifestName, cancellationToken);
            _manifest = await StaticManifest.ReadAsync(json, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            throw new InvalidOperationException($"The static manifest '{_options.ManifestName}' is not in the storage '{_options.Storage}'; collect the static files first.");
        }
    }

    /// <summary>The URL of the static file <paramref name="name"/>.</summary>
    /// <exception cref="InvalidOperationException">A strict manifest does not list the name.</exception>
    public string Url(string name)
    {
        StorageName.Validate(name);
        if (!_options.UseManifest) return _storage.GetUrl(name);
        var manifest = _manifest ?? throw new InvalidOperationException("The static manifest has not been loaded; the host loads it at start.");
        if (manifest.Find(name) is { } hashed) return _storage.GetUrl(hashed);
        if (_options.ManifestStrict)
            throw new InvalidOperationException($"'{name}' is not in the static manifest '{_options.ManifestName}'; collect the static files again, or check the name.");
        return _storage.GetUrl(name);
    }
}

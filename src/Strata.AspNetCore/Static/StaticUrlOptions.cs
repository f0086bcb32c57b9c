namespace Strata.AspNetCore.Static;

/// <summary>How <see cref="StaticUrls"/> turns a static file's name into a URL.</summary>
public sealed class StaticUrlOptions
{
    /// <summary>The named storage static files live in; <c>static</c> by default.</summary>
    public string Storage { get; set; } = "static";

    /// <summary>Link to content-hashed names from a manifest in the static storage, for cache busting.</summary>
    public bool UseManifest { get; set; }

    /// <summary>The manifest's name in the static storage; <c>staticfiles.json</c> as in Django.</summary>
    public string ManifestName { get; set; } = StaticManifest.DefaultName;

    /// <summary>With a manifest: a name it does not list is an error (true, Django's default) or links to the plain name.</summary>
    public bool ManifestStrict { get; set; } = true;
}

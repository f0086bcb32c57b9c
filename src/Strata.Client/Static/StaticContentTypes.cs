namespace Strata.Client.Static;

/// <summary>
/// The Content-Type a static file is served with, from its extension: the web's common types, as ASP.NET Core's
/// static files middleware and Django's mimetypes give them. Anything else is application/octet-stream.
/// </summary>
public static class StaticContentTypes
{
    /// <summary>The type for a file with no known extension.</summary>
    public const string Default = "application/octet-stream";

    private static readonly Dictionary<string, string> ByExtension = new(StringComparer.OrdinalIgnoreCase)
    {
        [".css"] = "text/css",
        [".js"] = "text/javascript",
        [".mjs"] = "text/javascript",
        [".map"] = "application/json",
        [".json"] = "application/json",
        [".webmanifest"] = "application/manifest+json",
        [".html"] = "text/html",
        [".htm"] = "text/html",
        [".txt"] = "text/plain",
        [".xml"] = "application/xml",
        [".csv"] = "text/csv",
        [".md"] = "text/markdown",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".jpg"] = "image/jpeg",
        [".jpeg"] = "image/jpeg",
        [".gif"] = "image/gif",
        [".webp"] = "image/webp",
        [".avif"] = "image/avif",
        [".ico"] = "image/x-icon",
        [".bmp"] = "image/bmp",
        [".woff"] = "font/woff",
        [".woff2"] = "font/woff2",
        [".ttf"] = "font/ttf",
        [".otf"] = "font/otf",
        [".eot"] = "application/vnd.ms-fontobject",
        [".wasm"] = "application/wasm",
        [".pdf"] = "application/pdf",
        [".zip"] = "application/zip",
        [".gz"] = "application/gzip",
        [".br"] = "application/x-brotli",
        [".mp4"] = "video/mp4",
        [".webm"] = "video/webm",
        [".mp3"] = "audio/mpeg",
        [".ogg"] = "audio/ogg",
        [".wav"] = "audio/wav",
    };

    /// <summary>The Content-Type for <paramref name="path"/>, by its extension.</summary>
    public static string For(string path) =>
        ByExtension.TryGetValue(Path.GetExtension(path), out var type) ? type : Default;
}

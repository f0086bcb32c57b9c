using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace Strata.WebConsole.Assets;

/// <summary>
/// The console's own stylesheet and script, built into the assembly: nothing is fetched from the network at run time.
/// Their URLs carry a hash of the content (?v=), so a browser may keep them a year and still sees a new build's.
/// </summary>
internal sealed class ConsoleAssets
{
    private readonly Dictionary<string, (byte[] Bytes, string Type, string Version)> _files = new(StringComparer.Ordinal);

    public ConsoleAssets()
    {
        Add("console.css", "text/css; charset=utf-8");
        Add("console.js", "text/javascript; charset=utf-8");
    }

    public string Url(string name) => $"{ConsolePaths.Base}/assets/{name}?v={_files[name].Version}";

    /// <summary>Answers the asset; 404 for any other name.</summary>
    public async Task ServeAsync(HttpContext http, string name)
    {
        if (!_files.TryGetValue(name, out var file))
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        http.Response.ContentType = file.Type;
        http.Response.Headers.CacheControl = http.Request.Query["v"] == file.Version ? "public, max-age=31536000, immutable" : "no-cache";
        http.Response.Headers.ETag = $"\"{file.Version}\"";
        http.Response.ContentLength = file.Bytes.Length;
        await http.Response.Body.WriteAsync(file.Bytes, http.RequestAborted);
    }

    private void Add(string name, string type)
    {
        using var stream = typeof(ConsoleAssets).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The console asset {name} is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        var bytes = copy.ToArray();
        _files[name] = (bytes, type, Convert.ToHexStringLower(SHA256.HashData(bytes))[..16]);
    }
}

using Strata.AspNetCore.Configuration;
using Strata.AspNetCore.Static;
using Gallery.Media;

namespace Gallery;

/// <summary>Builds the Gallery app; tests call it with their own settings and run it on a port of their choosing.</summary>
public static class GalleryApp
{
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? overrides = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Named explicitly so the pages are found when a test host, not Gallery.dll, is the entry assembly.
            ApplicationName = typeof(GalleryApp).Assembly.GetName().Name,
        });
        if (overrides is not null) builder.Configuration.AddInMemoryCollection(overrides);
        builder.Services.AddRazorPages();
        builder.Services.AddStrataStorages(builder.Configuration);
        builder.Services.AddStrataStaticUrls();
        builder.Services.AddSingleton<DeletedFiles>();
        var app = builder.Build();
        app.MapRazorPages();
        return app;
    }
}

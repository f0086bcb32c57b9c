using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Strata.AspNetCore.Static;

/// <summary>Registers <see cref="StaticUrls"/> for views and the <see cref="StaticLink"/> tag helper.</summary>
public static class StaticUrlServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="StaticUrls"/> over a named storage (register the storages with <c>AddStrataStorages</c>).
    /// With <see cref="StaticUrlOptions.UseManifest"/> the manifest is read when the host starts, and a missing one stops it.
    /// </summary>
    public static IServiceCollection AddStrataStaticUrls(this IServiceCollection services, Action<StaticUrlOptions>? configure = null)
    {
        var options = services.AddOptions<StaticUrlOptions>();
        if (configure is not null) options.Configure(configure);
        services.AddSingleton<StaticUrls>();
        services.AddSingleton<IHostedService, ManifestLoader>();
        return services;
    }

    private sealed class ManifestLoader(StaticUrls urls) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => urls.LoadAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

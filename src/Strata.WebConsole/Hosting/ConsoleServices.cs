using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.WebConsole.Assets;
using Strata.WebConsole.Rendering;
using Strata.WebConsole.Sessions;

namespace Strata.WebConsole.Hosting;

/// <summary>The console's parts, made once per server.</summary>
internal sealed class ConsoleServices(ConsoleOptions options, SessionStore sessions, UserClients clients, PageRenderer renderer, ConsoleAssets assets, ILoggerFactory loggers)
{
    public ConsoleOptions Options { get; } = options;
    public SessionStore Sessions { get; } = sessions;
    public UserClients Clients { get; } = clients;
    public PageRenderer Renderer { get; } = renderer;
    public ConsoleAssets Assets { get; } = assets;
    public ILogger Log { get; } = loggers.CreateLogger("Strata.WebConsole");
}

/// <summary>How the server adds the console: its options (filled in as the server starts) and its parts.</summary>
internal static class ConsoleRegistration
{
    public static IServiceCollection AddStrataConsole(this IServiceCollection services, ConsoleOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<SessionStore>();
        services.AddSingleton<UserClients>();
        services.AddSingleton<PageRenderer>();
        services.AddSingleton<ConsoleAssets>();
        services.AddSingleton<ConsoleServices>();
        services.AddSingleton<ConsoleEndpoint>();
        return services;
    }
}

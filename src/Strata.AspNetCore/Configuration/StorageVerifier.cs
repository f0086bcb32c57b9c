using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Strata.AspNetCore.S3;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Configuration;

// Runs at host start for S3 storages with VerifyOnStart: an unreachable endpoint or a missing bucket stops the
// application with one clear message, instead of failing on the first upload.
internal sealed class StorageVerifier(IServiceProvider services, string name) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredKeyedService<IFileStorage>(name) is S3Storage storage) await storage.VerifyAsync(name, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Strata.AspNetCore.FileSystem;
using Strata.AspNetCore.S3;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Configuration;

/// <summary>Registers the named storages of a configuration section as keyed <see cref="IFileStorage"/> services.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers one keyed singleton <see cref="IFileStorage"/> per child of <paramref name="sectionName"/>
    /// (<c>Storages:media</c>, <c>Storages:static</c>), resolved with <c>[FromKeyedServices("media")]</c>.
    /// Each child's <c>Backend</c> is <c>S3</c> (the default) or <c>FileSystem</c>; the other keys bind to
    /// <see cref="S3StorageOptions"/> or <see cref="FileSystemStorageOptions"/>. The options are validated when the
    /// host starts, so a missing bucket stops the application with a message naming the key to fix; an S3 storage
    /// with <c>VerifyOnStart</c> also checks that its bucket answers.
    /// </summary>
    /// <exception cref="InvalidOperationException">A child names an unknown backend.</exception>
    public static IServiceCollection AddStrataStorages(this IServiceCollection services, IConfiguration configuration, string sectionName = "Storages")
    {
        foreach (var child in configuration.GetSection(sectionName).GetChildren())
        {
            var name = child.Key;
            var backendText = child["Backend"];
            StorageBackend backend = StorageBackend.S3;
            if (backendText is not null && !Enum.TryParse(backendText, ignoreCase: true, out backend))
                throw new InvalidOperationException($"{child.Path}:Backend '{backendText}' is not known; use S3 or FileSystem.");
            if (backend == StorageBackend.S3) AddS3(services, name, child);
            else AddFileSystem(services, name, child);
        }
        return services;
    }

    private static void AddS3(IServiceCollection services, string name, IConfigurationSection section)
    {
        services.AddOptions<S3StorageOptions>(name).Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<S3StorageOptions>>(new S3StorageOptionsValidator(name, section.Path));
        services.AddKeyedSingleton<IFileStorage>(name, (provider, _) =>
            new S3Storage(provider.GetRequiredService<IOptionsMonitor<S3StorageOptions>>().Get(name)));
        if (section.GetValue<bool>(nameof(S3StorageOptions.VerifyOnStart)))
            services.AddSingleton<Microsoft.Extensions.Hosting.IHostedService>(provider => new StorageVerifier(provider, name));
    }

    private static void AddFileSystem(IServiceCollection services, string name, IConfigurationSection section)
    {
        services.AddOptions<FileSystemStorageOptions>(name).Bind(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<FileSystemStorageOptions>>(new FileSystemStorageOptionsValidator(name, section.Path));
        services.AddKeyedSingleton<IFileStorage>(name, (provider, _) =>
            new FileSystemStorage(provider.GetRequiredService<IOptionsMonitor<FileSystemStorageOptions>>().Get(name)));
    }
}

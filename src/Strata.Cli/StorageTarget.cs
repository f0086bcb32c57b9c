using Microsoft.Extensions.Configuration;
using Strata.AspNetCore.Configuration;
using Strata.AspNetCore.S3;
using Strata.Client.Connection;

namespace Strata.Cli;

/// <summary>
/// collectstatic's `--storage static`: the bucket, key prefix, endpoint and region of a named storage, read from an
/// appsettings.json's <c>Storages</c> section and bound to <see cref="S3StorageOptions"/> as the application's
/// <c>AddStrataStorages</c> binds them, so the files land where the app's static storage reads them.
/// Credentials are not taken from the file: they come from the usual options and the SDK's chain.
/// Anything wrong with the file or the storage is a <see cref="FormatException"/> (exit 2).
/// </summary>
internal sealed record StorageTarget(S3Uri Target, string? Endpoint, string? Region)
{
    public static StorageTarget Read(string settingsPath, string name)
    {
        var full = Path.GetFullPath(settingsPath);
        if (!File.Exists(full)) throw new FormatException($"--settings '{settingsPath}' is not a file: run from the project folder or pass --settings PATH/appsettings.json.");
        IConfigurationRoot configuration;
        try
        {
            configuration = new ConfigurationBuilder().AddJsonFile(full, optional: false, reloadOnChange: false).Build();
        }
        catch (InvalidDataException e)
        {
            throw new FormatException($"--settings '{settingsPath}' is not valid JSON: {e.InnerException?.Message ?? e.Message}");
        }
        var section = configuration.GetSection("Storages").GetSection(name);
        if (!section.Exists()) throw new FormatException($"{settingsPath} has no storage '{name}' (no Storages:{name} section).");

        // The backend as AddStrataStorages reads it: S3 unless "Backend" says otherwise.
        var backendText = section["Backend"];
        var backend = StorageBackend.S3;
        if (backendText is not null && !Enum.TryParse(backendText, ignoreCase: true, out backend))
            throw new FormatException($"{section.Path}:Backend '{backendText}' is not known; use S3 or FileSystem.");
        if (backend != StorageBackend.S3)
            throw new FormatException($"Storage '{name}' in {settingsPath} is a {backend} storage; collectstatic uploads to S3 only (give the storage \"Backend\": \"S3\" and a Bucket, or use --target).");

        var options = new S3StorageOptions();
        section.Bind(options);
        if (string.IsNullOrWhiteSpace(options.Bucket)) throw new FormatException($"{section.Path}:Bucket is required for an S3 storage.");
        var prefix = (options.KeyPrefix ?? "").Trim('/');
        var target = S3Uri.Parse($"s3://{options.Bucket}/{prefix}");
        var endpoint = string.IsNullOrWhiteSpace(options.Endpoint) ? null : EndpointOptions.ParseEndpoint(options.Endpoint, $"{section.Path}:Endpoint").ToString();
        return new StorageTarget(target, endpoint, string.IsNullOrWhiteSpace(options.Region) ? null : options.Region);
    }
}

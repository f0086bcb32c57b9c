using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using Strata.Server.Hosting;

namespace Strata.Cli.Tests;

/// <summary>A server started on a restored data directory, with the same root key as <see cref="StrataServer"/>; removed with its directory.</summary>
internal sealed class RestoredServer : IAsyncDisposable
{
    private readonly StrataHost _host;

    private RestoredServer(StrataHost host, string dataDirectory)
    {
        _host = host;
        DataDirectory = dataDirectory;
    }

    public string DataDirectory { get; }

    public static async Task<RestoredServer> StartAsync(string dataDirectory) =>
        new(await StrataHost.StartAsync(new StrataServerOptions
        {
            DataDirectory = dataDirectory,
            Listen = "127.0.0.1:0",
            RootAccessKey = StrataServer.AccessKey,
            RootSecretKey = StrataServer.SecretKey,
        }, TextWriter.Null), dataDirectory);

    public AmazonS3Client CreateClient(string accessKey = StrataServer.AccessKey, string secretKey = StrataServer.SecretKey) =>
        new(new BasicAWSCredentials(accessKey, secretKey), new AmazonS3Config
        {
            ServiceURL = _host.Endpoint.ToString(), ForcePathStyle = true, AuthenticationRegion = "us-east-1", MaxErrorRetry = 0,
        });

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        BackupPaths.Remove(DataDirectory);
    }
}

internal static class BackupPaths
{
    public static string Temporary(string stem) => Path.Combine(Path.GetTempPath(), $"strata-{stem}-{Guid.NewGuid().ToString("N")[..12]}");

    public static void Remove(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<byte[]> ReadAllAsync(IAmazonS3 s3, string bucket, string key, string? versionId = null)
    {
        using var response = await s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key, VersionId = versionId });
        using var buffer = new MemoryStream();
        await response.ResponseStream.CopyToAsync(buffer);
        return buffer.ToArray();
    }

    /// <summary>The report a backup or restore printed with --json.</summary>
    public static JsonElement Report(CliResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Stdout);
        return json.RootElement.Clone();
    }
}

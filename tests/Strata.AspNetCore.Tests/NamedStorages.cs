using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Strata.AspNetCore.Configuration;
using Strata.AspNetCore.FileSystem;
using Strata.AspNetCore.S3;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Tests;

public sealed class NamedStorages(StrataServer server) : IClassFixture<StrataServer>, IDisposable
{
    private readonly string _static = Path.Combine(Path.GetTempPath(), "strata-static-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_static)) Directory.Delete(_static, recursive: true);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddStrataStorages(builder.Configuration);
        return builder.Build();
    }

    private Dictionary<string, string?> Media(string bucket) => new()
    {
        ["Storages:media:Bucket"] = bucket,
        ["Storages:media:Endpoint"] = server.Endpoint.ToString(),
        ["Storages:media:AccessKey"] = StrataServer.AccessKey,
        ["Storages:media:SecretKey"] = StrataServer.SecretKey,
        ["Storages:media:KeyPrefix"] = "uploads",
    };

    [Fact]
    public async Task Media_and_static_resolve_as_keyed_services_from_configuration()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "media");
        var settings = Media(bucket);
        settings["Storages:static:Backend"] = "FileSystem";
        settings["Storages:static:Location"] = _static;
        settings["Storages:static:BaseUrl"] = "/static/";
        using var host = Build(settings);
        await host.StartAsync();

        var media = host.Services.GetRequiredKeyedService<IFileStorage>("media");
        var statics = host.Services.GetRequiredKeyedService<IFileStorage>("static");
        Assert.IsType<S3Storage>(media);
        Assert.IsType<FileSystemStorage>(statics);
        Assert.Same(media, host.Services.GetRequiredKeyedService<IFileStorage>("media"));

        await media.SaveAsync("cat.jpg", new MemoryStream("meow"u8.ToArray()));
        using var s3 = server.CreateClient();
        using var stored = await s3.GetObjectAsync(bucket, "uploads/cat.jpg");
        Assert.Equal("meow", await new StreamReader(stored.ResponseStream).ReadToEndAsync());
        Assert.Equal("/static/css/site.css", statics.GetUrl("css/site.css"));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_storage_without_a_bucket_stops_the_application_at_start_naming_the_key_to_set()
    {
        var settings = Media("placeholder");
        settings.Remove("Storages:media:Bucket");
        settings["Storages:media:UrlExpiry"] = "30.00:00:00";
        settings["Storages:media:ChecksumAlgorithm"] = "MD4";
        using var host = Build(settings);
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Storages:media:Bucket is required for an S3 storage.", error.Message);
        Assert.Contains("Storages:media:UrlExpiry must be more than zero and at most 7 days", error.Message);
        Assert.Contains("Storages:media:ChecksumAlgorithm 'MD4' is not one of CRC32, CRC32C, CRC64NVME, SHA1, SHA256.", error.Message);
    }

    [Fact]
    public async Task A_file_system_storage_without_a_location_stops_the_application_at_start()
    {
        using var host = Build(new() { ["Storages:static:Backend"] = "FileSystem", ["Storages:static:BaseUrl"] = "/static/" });
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("Storages:static:Location is required for a FileSystem storage.", error.Message);
    }

    [Fact]
    public void An_unknown_backend_is_refused_when_the_storages_are_registered()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storages:media:Backend"] = "Ftp" }).Build();
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddStrataStorages(configuration));
        Assert.Equal("Storages:media:Backend 'Ftp' is not known; use S3 or FileSystem.", error.Message);
    }

    [Fact]
    public async Task Verify_on_start_refuses_an_endpoint_that_does_not_answer()
    {
        var settings = Media("media");
        settings["Storages:media:Endpoint"] = "http://127.0.0.1:1/";
        settings["Storages:media:VerifyOnStart"] = "true";
        using var host = Build(settings);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.StartsWith("Storage 'media': the endpoint http://127.0.0.1:1/ could not be reached", error.Message);
    }

    [Fact]
    public async Task Verify_on_start_refuses_a_bucket_that_does_not_exist_and_passes_one_that_does()
    {
        var settings = Media("no-such-bucket-here");
        settings["Storages:media:VerifyOnStart"] = "true";
        using (var missing = Build(settings))
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => missing.StartAsync());
            Assert.Contains("bucket 'no-such-bucket-here'", error.Message);
            Assert.Contains("404 NoSuchBucket", error.Message);
        }
        settings["Storages:media:Bucket"] = await server.CreateBucketAsync(stem: "media");
        using var present = Build(settings);
        await present.StartAsync();
        await present.StopAsync();
    }

    [Fact]
    public async Task Verify_on_start_passes_with_an_application_key_that_may_only_list_the_bucket()
    {
        var bucket = await server.CreateBucketAsync(stem: "media");
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{bucket}}"}]}
            """;
        var (accessKey, secretKey) = await server.CreateUserAsync("verify-" + Guid.NewGuid().ToString("N")[..8], policy);
        var settings = Media(bucket);
        settings["Storages:media:AccessKey"] = accessKey;
        settings["Storages:media:SecretKey"] = secretKey;
        settings["Storages:media:VerifyOnStart"] = "true";
        using var host = Build(settings);
        await host.StartAsync();
        await host.StopAsync();
    }
}

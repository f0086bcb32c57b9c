using System.Net;
using Strata.AspNetCore.S3;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Tests;

public sealed class S3StorageContract(StrataServer server) : StorageContract, IClassFixture<StrataServer>
{
    private string _bucket = "";

    private S3StorageOptions Options(bool overwrite, Action<S3StorageOptions>? configure = null)
    {
        var options = new S3StorageOptions
        {
            Bucket = _bucket,
            KeyPrefix = overwrite ? "static" : "media",
            Endpoint = server.Endpoint.ToString(),
            AccessKey = StrataServer.AccessKey,
            SecretKey = StrataServer.SecretKey,
            FileOverwrite = overwrite,
        };
        configure?.Invoke(options);
        return options;
    }

    protected override async Task<(IFileStorage Unique, IFileStorage Overwriting)> CreateStoragesAsync()
    {
        _bucket = await server.CreateBucketAsync(versioning: true, stem: "media");
        return (new S3Storage(Options(overwrite: false)), new S3Storage(Options(overwrite: true)));
    }

    [Fact]
    public async Task Files_are_stored_under_the_key_prefix()
    {
        await Storage.SaveAsync("photos/cat.jpg", Text("meow"));
        using var s3 = server.CreateClient();
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = _bucket });
        Assert.Equal(["media/photos/cat.jpg"], listed.S3Objects.Select(o => o.Key));
    }

    [Fact]
    public async Task A_presigned_url_serves_the_file_to_a_plain_http_client_with_its_detected_type()
    {
        await Storage.SaveAsync("css/site.css", Text("body{color:red}"));
        var url = Storage.GetUrl("css/site.css");
        Assert.Contains("X-Amz-Signature=", url);
        using var http = new HttpClient();
        using var response = await http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("body{color:red}", await response.Content.ReadAsStringAsync());
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_its_signature_the_same_url_is_refused()
    {
        await Storage.SaveAsync("private.txt", Text("secret"));
        var url = Storage.GetUrl("private.txt");
        using var http = new HttpClient();
        using var response = await http.GetAsync(url[..url.IndexOf('?')]);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Saved_objects_carry_the_default_cache_control()
    {
        using var storage = new S3Storage(Options(overwrite: true, o => o.CacheControl = "public, max-age=31536000, immutable"));
        await storage.SaveAsync("app.js", Text("run()"));
        using var s3 = server.CreateClient();
        var head = await s3.GetObjectMetadataAsync(_bucket, "static/app.js");
        Assert.Equal("public, max-age=31536000, immutable", head.Headers.CacheControl);
        Assert.Equal("text/javascript", head.Headers.ContentType);
    }

    [Fact]
    public async Task Uploads_carry_the_configured_checksum_and_the_server_keeps_it()
    {
        using var storage = new S3Storage(Options(overwrite: true, o => o.ChecksumAlgorithm = "sha256"));
        await storage.SaveAsync("data.bin", Text("checked"));
        using var s3 = server.CreateClient();
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = _bucket, Key = "static/data.bin", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData("checked"u8)), head.ChecksumSHA256);
    }

    [Fact]
    public void Public_urls_use_the_custom_domain_or_the_endpoint_and_are_not_signed()
    {
        using var cdn = new S3Storage(Options(overwrite: true, o => { o.UrlMode = S3UrlMode.Public; o.PublicBaseUrl = "https://cdn.example.com/"; }));
        Assert.Equal("https://cdn.example.com/static/css/a%20b.css", cdn.GetUrl("css/a b.css"));
        using var plain = new S3Storage(Options(overwrite: true, o => o.UrlMode = S3UrlMode.Public));
        Assert.Equal($"{server.Endpoint.ToString().TrimEnd('/')}/{_bucket}/static/css/site.css", plain.GetUrl("css/site.css"));
    }

    [Fact]
    public async Task On_a_versioned_bucket_delete_adds_a_marker_and_an_overwrite_keeps_the_old_version()
    {
        await Overwriting.SaveAsync("logo.svg", Text("v1"));
        await Overwriting.SaveAsync("logo.svg", Text("v2"));
        await Overwriting.DeleteAsync("logo.svg");
        Assert.False(await Overwriting.ExistsAsync("logo.svg"));
        using var s3 = server.CreateClient();
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = _bucket, Prefix = "static/logo.svg" });
        Assert.Equal([true, false, false], versions.Versions.Select(v => v.IsDeleteMarker == true));
        var first = versions.Versions[2].VersionId;
        using var old = await s3.GetObjectAsync(new GetObjectRequest { BucketName = _bucket, Key = "static/logo.svg", VersionId = first });
        Assert.Equal("v1", await new StreamReader(old.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_name_whose_latest_version_is_a_delete_marker_is_free_again()
    {
        await Storage.SaveAsync("a.png", Text("one"));
        await Storage.DeleteAsync("a.png");
        Assert.Equal("a.png", await Storage.SaveAsync("a.png", Text("two")));
        Assert.Equal("two", await ReadAsync(Storage, "a.png"));
    }
}

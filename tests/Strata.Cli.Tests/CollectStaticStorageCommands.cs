using System.Text.Json;
using Strata.AspNetCore.Static;

namespace Strata.Cli.Tests;

/// <summary>collectstatic --storage NAME reads its target from the app's appsettings.json; --manifest adds Django's hashed copies.</summary>
public sealed class CollectStaticStorageCommands(StrataServer server) : IClassFixture<StrataServer>, IDisposable
{
    private readonly string _project = Directory.CreateTempSubdirectory("strata-app-").FullName;

    private string Wwwroot => Path.Combine(_project, "wwwroot");

    private string Settings => Path.Combine(_project, "appsettings.json");

    public void Dispose() => Directory.Delete(_project, recursive: true);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(Wwwroot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private void Site()
    {
        Write("css/site.css", "body { color: navy; }");
        Write("js/app.js", "alert(1);");
        Write("img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
    }

    private void WriteSettings(object storages) =>
        File.WriteAllText(Settings, JsonSerializer.Serialize(new { Logging = new { LogLevel = new { Default = "Information" } }, Storages = storages }));

    private object S3Storage(string bucket, string prefix) =>
        new { Bucket = bucket, KeyPrefix = prefix, Endpoint = server.Endpoint.ToString(), Region = "us-east-1", UrlMode = "Public" };

    // As a developer runs it from the project folder: no --endpoint-url, the endpoint comes from the settings; keys from the environment.
    private Task<CliResult> CollectAsync(params string[] more) =>
        StrataCli.RunAsync(["collectstatic", "--source", Wwwroot, .. more], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        }, workingDirectory: _project);

    private static async Task<List<string>> KeysAsync(IAmazonS3 s3, string bucket) =>
        [.. ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key)];

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    private async Task<string> HashedNameAsync(string name)
    {
        await using var content = File.OpenRead(Path.Combine(Wwwroot, name));
        return await StaticManifest.HashedNameAsync(name, content);
    }

    [Fact]
    public async Task Storage_uploads_to_the_bucket_and_prefix_of_the_named_storage_in_appsettings()
    {
        Site();
        var bucket = await server.CreateBucketAsync();
        var other = await server.CreateBucketAsync();
        WriteSettings(new Dictionary<string, object> { ["media"] = S3Storage(other, "uploads"), ["static"] = S3Storage(bucket, "assets/") });
        using var s3 = server.CreateClient();

        var result = await CollectAsync("--storage", "static");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"uploaded 3, unchanged 0, deleted 0 (s3://{bucket}/assets/)", result.Stdout);
        Assert.Equal(["assets/css/site.css", "assets/img/logo.svg", "assets/js/app.js"], await KeysAsync(s3, bucket));
        Assert.Empty(await KeysAsync(s3, other));
    }

    [Fact]
    public async Task Settings_names_a_settings_file_elsewhere()
    {
        Site();
        var bucket = await server.CreateBucketAsync();
        WriteSettings(new Dictionary<string, object> { ["static"] = S3Storage(bucket, "") });
        var elsewhere = Path.Combine(_project, "config", "appsettings.Production.json");
        Directory.CreateDirectory(Path.GetDirectoryName(elsewhere)!);
        File.Move(Settings, elsewhere);
        using var s3 = server.CreateClient();

        var result = await CollectAsync("--storage", "static", "--settings", elsewhere);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["css/site.css", "img/logo.svg", "js/app.js"], await KeysAsync(s3, bucket));
    }

    [Fact]
    public async Task A_file_system_storage_is_refused_in_one_line()
    {
        Site();
        WriteSettings(new Dictionary<string, object> { ["static"] = new { Backend = "FileSystem", Location = "wwwroot/static", BaseUrl = "/static/" } });

        var result = await CollectAsync("--storage", "static");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("FileSystem", line);
        Assert.Contains("S3", line);
        Assert.False(Directory.Exists(Path.Combine(_project, "wwwroot", "static")));
    }

    [Fact]
    public async Task A_storage_the_settings_do_not_name_is_refused_in_one_line()
    {
        Site();
        WriteSettings(new Dictionary<string, object> { ["media"] = S3Storage("media", "") });

        var result = await CollectAsync("--storage", "static");

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("no storage 'static'", line);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task Target_and_storage_together_are_refused()
    {
        Site();
        var result = await CollectAsync("--storage", "static", "--target", "s3://static/");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("--target or --storage, not both", result.Stderr);
    }

    [Fact]
    public async Task Manifest_uploads_hashed_copies_and_a_staticfiles_json_the_library_reads_and_a_second_run_uploads_nothing()
    {
        Site();
        var bucket = await server.CreateBucketAsync();
        WriteSettings(new Dictionary<string, object> { ["static"] = S3Storage(bucket, "assets") });
        using var s3 = server.CreateClient();

        var first = await CollectAsync("--storage", "static", "--manifest");
        var second = await CollectAsync("--storage", "static", "--manifest");

        Assert.True(first.ExitCode == 0, first.ToString());
        var css = await HashedNameAsync("css/site.css");
        var js = await HashedNameAsync("js/app.js");
        var svg = await HashedNameAsync("img/logo.svg");
        Assert.Matches(@"^css/site\.[0-9a-f]{12}\.css$", css);
        var expected = new[] { "css/site.css", css, "img/logo.svg", svg, "js/app.js", js }.Select(n => "assets/" + n).Append("assets/staticfiles.json").Order(StringComparer.Ordinal);
        Assert.Equal(expected, await KeysAsync(s3, bucket));
        Assert.Equal("body { color: navy; }", await ReadAsync(s3, bucket, "assets/" + css));
        using (var response = await s3.GetObjectAsync(bucket, "assets/staticfiles.json"))
        {
            var manifest = await StaticManifest.ReadAsync(response.ResponseStream);
            Assert.Equal(new Dictionary<string, string> { ["css/site.css"] = css, ["img/logo.svg"] = svg, ["js/app.js"] = js }, manifest.Paths);
        }
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("uploaded 0, unchanged 7, deleted 0", second.Stdout);
    }

    [Fact]
    public async Task A_changed_file_gets_a_new_hashed_copy_and_manifest_and_clear_removes_the_old_copy()
    {
        Site();
        var bucket = await server.CreateBucketAsync();
        WriteSettings(new Dictionary<string, object> { ["static"] = S3Storage(bucket, "") });
        using var s3 = server.CreateClient();
        Assert.Equal(0, (await CollectAsync("--storage", "static", "--manifest")).ExitCode);
        var old = await HashedNameAsync("css/site.css");

        Write("css/site.css", "body { color: darkred; }");
        var result = await CollectAsync("--storage", "static", "--manifest", "--clear");

        Assert.True(result.ExitCode == 0, result.ToString());
        var css = await HashedNameAsync("css/site.css");
        Assert.NotEqual(old, css);
        Assert.Contains("uploaded 3, unchanged 4, deleted 1", result.Stdout);
        Assert.Contains($"upload {css} (new", result.Stdout);
        Assert.Contains($"delete {old}", result.Stdout);
        Assert.Contains(css, await ReadAsync(s3, bucket, "staticfiles.json"));
        Assert.DoesNotContain(old, await KeysAsync(s3, bucket));
    }
}

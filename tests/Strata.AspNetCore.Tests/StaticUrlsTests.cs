using System.Net;
using System.Text;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Strata.AspNetCore.Configuration;
using Strata.AspNetCore.Static;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.Tests;

public sealed class StaticUrlsTests(StrataServer server) : IClassFixture<StrataServer>
{
    private IHost Build(string bucket, Action<StaticUrlOptions>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storages:static:Bucket"] = bucket,
            ["Storages:static:Endpoint"] = server.Endpoint.ToString(),
            ["Storages:static:AccessKey"] = StrataServer.AccessKey,
            ["Storages:static:SecretKey"] = StrataServer.SecretKey,
        });
        builder.Services.AddStrataStorages(builder.Configuration).AddStrataStaticUrls(configure);
        return builder.Build();
    }

    private static MemoryStream Text(string text) => new(Encoding.UTF8.GetBytes(text));

    [Theory]
    [InlineData("css/site.css", "body{color:red}", "css/site.6700e3e57796.css")]
    [InlineData("js/app.min.js", "run()", "js/app.min.7fd10941fde8.js")]
    [InlineData("LICENSE", "run()", "LICENSE.7fd10941fde8")]
    [InlineData("fonts/.hidden", "run()", "fonts/.hidden.7fd10941fde8")]
    public async Task The_hashed_name_is_Djangos_twelve_md5_digits_before_the_last_extension(string name, string content, string hashed) =>
        Assert.Equal(hashed, await StaticManifest.HashedNameAsync(name, Text(content)));

    [Fact]
    public async Task A_manifest_written_reads_back_in_Djangos_format()
    {
        using var json = new MemoryStream();
        await new StaticManifest(new Dictionary<string, string> { ["css/site.css"] = "css/site.6700e3e57796.css" }).WriteAsync(json);
        Assert.Equal("""{"paths":{"css/site.css":"css/site.6700e3e57796.css"},"version":"1.1"}""", Encoding.UTF8.GetString(json.ToArray()));
        json.Position = 0;
        Assert.Equal("css/site.6700e3e57796.css", (await StaticManifest.ReadAsync(json)).Find("css/site.css"));
    }

    [Fact]
    public async Task Without_a_manifest_a_static_url_is_the_storages_url_and_serves_the_file()
    {
        var bucket = await server.CreateBucketAsync(stem: "static");
        using var host = Build(bucket);
        await host.StartAsync();
        await host.Services.GetRequiredKeyedService<IFileStorage>("static").SaveAsync("css/site.css", Text("body{color:red}"));
        var url = host.Services.GetRequiredService<StaticUrls>().Url("css/site.css");
        Assert.Contains($"/{bucket}/css/site.css?", url);
        using var http = new HttpClient();
        Assert.Equal("body{color:red}", await http.GetStringAsync(url));
    }

    [Fact]
    public async Task With_a_manifest_the_url_points_at_the_hashed_copy_and_the_tag_helper_writes_it()
    {
        var bucket = await server.CreateBucketAsync(stem: "static");
        using var host = Build(bucket, o => o.UseManifest = true);
        var storage = host.Services.GetRequiredKeyedService<IFileStorage>("static");
        var hashed = await StaticManifest.HashedNameAsync("css/site.css", Text("body{color:red}"));
        await storage.SaveAsync(hashed, Text("body{color:red}"));
        using (var json = new MemoryStream())
        {
            await new StaticManifest(new Dictionary<string, string> { ["css/site.css"] = hashed }).WriteAsync(json);
            json.Position = 0;
            await storage.SaveAsync(StaticManifest.DefaultName, json);
        }
        await host.StartAsync();
        var urls = host.Services.GetRequiredService<StaticUrls>();
        var url = urls.Url("css/site.css");
        Assert.Contains("/css/site.6700e3e57796.css?", url);
        using var http = new HttpClient();
        Assert.Equal("body{color:red}", await http.GetStringAsync(url));

        var output = new TagHelperOutput("link", [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        new StaticLink(urls) { Name = "css/site.css" }.Process(new TagHelperContext([], new Dictionary<object, object>(), "id"), output);
        Assert.Contains("/css/site.6700e3e57796.css?", output.Attributes["href"].Value.ToString());

        var missing = Assert.Throws<InvalidOperationException>(() => urls.Url("css/gone.css"));
        Assert.Equal("'css/gone.css' is not in the static manifest 'staticfiles.json'; collect the static files again, or check the name.", missing.Message);
    }

    [Fact]
    public async Task A_missing_manifest_stops_the_application_at_start()
    {
        var bucket = await server.CreateBucketAsync(stem: "static");
        using var host = Build(bucket, o => o.UseManifest = true);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Equal("The static manifest 'staticfiles.json' is not in the storage 'static'; collect the static files first.", error.Message);
    }

    [Fact]
    public async Task A_script_gets_src_rather_than_href()
    {
        var bucket = await server.CreateBucketAsync(stem: "static");
        using var host = Build(bucket);
        var output = new TagHelperOutput("script", [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        new StaticLink(host.Services.GetRequiredService<StaticUrls>()) { Name = "js/app.js" }.Process(new TagHelperContext([], new Dictionary<object, object>(), "id"), output);
        Assert.Contains($"/{bucket}/js/app.js?", output.Attributes["src"].Value.ToString());
        Assert.False(output.Attributes.ContainsName("href"));
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace Strata.Cli.Tests;

public sealed class CollectStaticCommands(StrataServer server) : IClassFixture<StrataServer>, IDisposable
{
    private readonly string _wwwroot = Directory.CreateTempSubdirectory("strata-wwwroot-").FullName;

    public void Dispose() => Directory.Delete(_wwwroot, recursive: true);

    private void Write(string relative, string content)
    {
        var path = Path.Combine(_wwwroot, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private async Task<string> SiteAsync(bool versioning = false)
    {
        Write("css/site.css", "body { color: navy; }");
        Write("js/app.js", "alert(1);");
        Write("img/logo.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        Write(".DS_Store", "not a static file");
        return await server.CreateBucketAsync(versioning);
    }

    private Task<CliResult> CollectAsync(string bucket, params string[] more) =>
        StrataCli.RunAsync(server, ["collectstatic", "--source", _wwwroot, "--target", $"s3://{bucket}/static", .. more]);

    private static async Task<List<string>> KeysAsync(IAmazonS3 s3, string bucket) =>
        [.. ((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []).Select(o => o.Key)];

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        using var reader = new StreamReader(response.ResponseStream);
        return await reader.ReadToEndAsync();
    }

    [Fact]
    public async Task The_first_run_uploads_every_file_and_a_second_run_uploads_nothing()
    {
        var bucket = await SiteAsync();
        using var s3 = server.CreateClient();

        var first = await CollectAsync(bucket);
        var second = await CollectAsync(bucket);

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("uploaded 3, unchanged 0, deleted 0", first.Stdout);
        Assert.Contains("upload static/css/site.css (new", first.Stdout);
        Assert.Equal(["static/css/site.css", "static/img/logo.svg", "static/js/app.js"], await KeysAsync(s3, bucket));
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("uploaded 0, unchanged 3, deleted 0", second.Stdout);
        Assert.DoesNotContain("upload static/", second.Stdout);
    }

    [Fact]
    public async Task A_changed_file_is_uploaded_again_alone()
    {
        var bucket = await SiteAsync();
        using var s3 = server.CreateClient();
        Assert.Equal(0, (await CollectAsync(bucket)).ExitCode);

        Write("js/app.js", "alert(2);"); // same size: the listing's ETag differs, the stored SHA-256 decides
        Write("css/site.css", "body { color: darkred; }");
        var result = await CollectAsync(bucket);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("uploaded 2, unchanged 1, deleted 0", result.Stdout);
        Assert.Contains("upload static/js/app.js (changed", result.Stdout);
        Assert.Contains("upload static/css/site.css (changed", result.Stdout);
        Assert.DoesNotContain("logo.svg", result.Stdout);
        Assert.Equal("alert(2);", await ReadAsync(s3, bucket, "static/js/app.js"));
        Assert.Equal("body { color: darkred; }", await ReadAsync(s3, bucket, "static/css/site.css"));
    }

    [Fact]
    public async Task An_object_with_the_same_content_but_no_checksum_metadata_is_left_alone()
    {
        var bucket = await SiteAsync();
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "static/js/app.js", ContentBody = "alert(1);" });

        var result = await CollectAsync(bucket);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("uploaded 2, unchanged 1, deleted 0", result.Stdout);
        Assert.DoesNotContain("app.js", result.Stdout);
    }

    [Fact]
    public async Task A_multipart_object_whose_stored_sha256_matches_is_left_alone_and_one_that_does_not_is_replaced()
    {
        var bucket = await SiteAsync();
        using var s3 = server.CreateClient();
        async Task MultipartAsync(string key, string content, string sha256)
        {
            var start = new InitiateMultipartUploadRequest { BucketName = bucket, Key = key };
            start.Metadata["x-amz-meta-sha256"] = sha256;
            var upload = await s3.InitiateMultipartUploadAsync(start);
            var part = await s3.UploadPartAsync(new() { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(Encoding.UTF8.GetBytes(content)) });
            await s3.CompleteMultipartUploadAsync(new() { BucketName = bucket, Key = key, UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] });
        }
        static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        await MultipartAsync("static/js/app.js", "alert(1);", Sha256("alert(1);"));
        await MultipartAsync("static/css/site.css", "body { color: navy; }", Sha256("something else"));

        var result = await CollectAsync(bucket);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("uploaded 2, unchanged 1, deleted 0", result.Stdout);
        Assert.DoesNotContain("app.js", result.Stdout);
        Assert.Contains("upload static/css/site.css (changed", result.Stdout);
    }

    [Fact]
    public async Task Clear_deletes_objects_with_no_local_file_and_nothing_outside_the_prefix()
    {
        var bucket = await SiteAsync();
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "static/css/old.css", ContentBody = "stale" });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "media/photo.jpg", ContentBody = "keep me" });

        var without = await CollectAsync(bucket);
        Assert.True(without.ExitCode == 0, without.ToString());
        Assert.Contains("1 object under the prefix has no local file; --clear deletes them.", without.Stdout);
        Assert.Contains("static/css/old.css", await KeysAsync(s3, bucket));

        var cleared = await CollectAsync(bucket, "--clear");

        Assert.True(cleared.ExitCode == 0, cleared.ToString());
        Assert.Contains("uploaded 0, unchanged 3, deleted 1", cleared.Stdout);
        Assert.Contains("delete static/css/old.css", cleared.Stdout);
        Assert.Equal(["media/photo.jpg", "static/css/site.css", "static/img/logo.svg", "static/js/app.js"], await KeysAsync(s3, bucket));
    }

    [Fact]
    public async Task Dry_run_prints_the_changes_and_makes_none()
    {
        var bucket = await SiteAsync();
        using var s3 = server.CreateClient();
        var fresh = await CollectAsync(bucket, "--dry-run");
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Contains("would upload static/img/logo.svg (new", fresh.Stdout);
        Assert.Contains("Dry run, nothing changed: would upload 3, unchanged 0, would delete 0", fresh.Stdout);
        Assert.Empty(await KeysAsync(s3, bucket));

        Assert.Equal(0, (await CollectAsync(bucket)).ExitCode);
        Write("css/site.css", "body { color: green; }");
        File.Delete(Path.Combine(_wwwroot, "img/logo.svg"));
        var later = await CollectAsync(bucket, "--dry-run", "--clear");

        Assert.True(later.ExitCode == 0, later.ToString());
        Assert.Contains("would upload static/css/site.css (changed", later.Stdout);
        Assert.Contains("would delete static/img/logo.svg", later.Stdout);
        Assert.Contains("would upload 1, unchanged 1, would delete 1", later.Stdout);
        Assert.Equal("body { color: navy; }", await ReadAsync(s3, bucket, "static/css/site.css"));
        Assert.Contains("static/img/logo.svg", await KeysAsync(s3, bucket));
    }

    [Fact]
    public async Task A_versioned_bucket_is_refused_without_allow_versioned()
    {
        var bucket = await SiteAsync(versioning: true);
        using var s3 = server.CreateClient();

        var refused = await CollectAsync(bucket);

        Assert.Equal(1, refused.ExitCode);
        Assert.Equal($"strata: bucket '{bucket}' is versioned, so every replaced static file would pile up as a noncurrent version; "
            + "use an unversioned bucket for static files, or pass --allow-versioned.", refused.Stderr.Trim());
        Assert.Empty(await KeysAsync(s3, bucket));

        var allowed = await CollectAsync(bucket, "--allow-versioned");

        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.Contains("warning: bucket", allowed.Stderr);
        Assert.Contains("uploaded 3, unchanged 0, deleted 0", allowed.Stdout);
    }

    [Fact]
    public async Task Each_object_gets_the_content_type_of_its_extension_and_its_sha256()
    {
        var bucket = await SiteAsync();
        using var s3 = server.CreateClient();

        Assert.Equal(0, (await CollectAsync(bucket)).ExitCode);

        Assert.Equal("text/css", (await s3.GetObjectMetadataAsync(bucket, "static/css/site.css")).Headers.ContentType);
        Assert.Equal("text/javascript", (await s3.GetObjectMetadataAsync(bucket, "static/js/app.js")).Headers.ContentType);
        var svg = await s3.GetObjectMetadataAsync(bucket, "static/img/logo.svg");
        Assert.Equal("image/svg+xml", svg.Headers.ContentType);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("<svg xmlns=\"http://www.w3.org/2000/svg\"/>")));
        Assert.Equal(expected, svg.Metadata["x-amz-meta-sha256"]);
    }

    [Fact]
    public async Task Wrong_arguments_exit_2_with_one_plain_line()
    {
        var noTarget = await StrataCli.RunAsync(server, "collectstatic", "--source", _wwwroot);
        var noFolder = await StrataCli.RunAsync(server, "collectstatic", "--source", Path.Combine(_wwwroot, "missing"), "--target", "s3://static/");

        Assert.Equal(2, noTarget.ExitCode);
        Assert.Equal("strata: Give --target s3://bucket/prefix or --storage NAME (read from appsettings.json): where the static files go.", noTarget.Stderr.Trim());
        Assert.Equal(2, noFolder.ExitCode);
        Assert.StartsWith("strata: --source '", noFolder.Stderr.Trim());
        Assert.DoesNotContain("   at ", noFolder.Stderr);
    }

    [Fact]
    public async Task A_missing_bucket_or_an_endpoint_nobody_listens_at_is_told_in_one_plain_line_with_exit_3()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        Write("css/site.css", "body {}");

        var noBucket = await StrataCli.RunAsync(server, "collectstatic", "--source", _wwwroot, "--target", "s3://no-such-static-bucket/");
        var nobody = await StrataCli.RunAsync(["collectstatic", "--source", _wwwroot, "--target", "s3://static/", "--endpoint-url", $"http://127.0.0.1:{closed}"],
            new Dictionary<string, string> { ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey, ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey });

        foreach (var result in new[] { noBucket, nobody })
        {
            Assert.True(result.ExitCode == 3, result.ToString());
            Assert.StartsWith("strata: ", result.Stderr);
            Assert.True(result.Stderr.TrimEnd('\n').Split('\n').Length <= 2, result.ToString());
            Assert.DoesNotContain("Exception", result.Stderr);
        }
        Assert.Contains("no-such-static-bucket", noBucket.Stderr);
        Assert.Contains("Nothing listens at 127.0.0.1:", nobody.Stderr);
    }

    [Fact]
    public async Task Collectstatic_is_in_the_list_of_commands()
    {
        var result = await StrataCli.RunAsync([], new Dictionary<string, string>());

        Assert.Matches("(?m)^  collectstatic ", result.Stdout);
    }
}

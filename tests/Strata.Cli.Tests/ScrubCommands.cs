using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>`strata admin scrub` as an operator runs it: exit 0 on a sound data directory, 1 with every damaged body named.</summary>
public sealed class ScrubCommands : IAsyncLifetime
{
    private readonly StrataServer _server = new();

    public Task InitializeAsync() => _server.StartAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", _server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });

    [Fact]
    public async Task A_clean_data_directory_scrubs_with_exit_0()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "sound" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b.bin", InputStream = new MemoryStream(new byte[200_000]) });

        var result = await AdminAsync("scrub");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("damaged: 0", result.Stdout);
        Assert.Contains("versions: 2", result.Stdout);
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Rotten_and_missing_bodies_are_named_by_key_and_version_id_with_exit_1()
    {
        var bucket = await _server.CreateBucketAsync(versioning: true);
        using var s3 = _server.CreateClient();
        var blob = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "photo.jpg", InputStream = new MemoryStream(new byte[300_000]) })).VersionId;
        var inline = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "note.txt", ContentBody = "a short note" })).VersionId;
        var gone = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "gone.bin", InputStream = new MemoryStream(new byte[50_000]) })).VersionId;
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "fine.txt", ContentBody = "fine" });
        await _server.StopAsync();
        StoredBodies.FlipBlobByte(_server.DataDirectory, blob, offset: 299_999);
        StoredBodies.FlipInlineByte(_server.DataDirectory, inline);
        StoredBodies.DeleteBlob(_server.DataDirectory, gone);
        await _server.StartAsync();

        var table = await AdminAsync("scrub", bucket);

        Assert.True(table.ExitCode == 1, table.ToString());
        foreach (var (key, version) in new[] { ("photo.jpg", blob), ("note.txt", inline), ("gone.bin", gone) })
        {
            Assert.Contains(table.Stdout.Split('\n'), line => line.Contains(key) && line.Contains(version));
        }
        Assert.Contains("missing", table.Stdout);
        Assert.DoesNotContain("fine.txt", table.Stdout);
        Assert.StartsWith("strata: 3 stored bodies are damaged or missing", table.Stderr);
        Assert.DoesNotContain("   at ", table.Stdout + table.Stderr);

        // --last answers from what the scrub recorded, without reading; --json is the server's answer.
        var last = await AdminAsync("scrub", "--last", "--json");
        Assert.True(last.ExitCode == 1, last.ToString());
        using var json = JsonDocument.Parse(last.Stdout);
        var findings = json.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(3, findings.Count);
        Assert.Contains(findings, f => f.GetProperty("key").GetString() == "gone.bin" && f.GetProperty("problem").GetString() == "missing");
    }

    [Fact]
    public async Task A_malformed_bucket_name_exits_2_and_an_unknown_bucket_exits_1()
    {
        var malformed = await AdminAsync("scrub", "Not_A_Bucket");
        Assert.True(malformed.ExitCode == 2, malformed.ToString());
        Assert.Contains("is not a valid bucket name", malformed.Stderr);

        var unknown = await AdminAsync("scrub", "no-such-bucket-here");
        Assert.True(unknown.ExitCode == 1, unknown.ToString());
        Assert.Contains("NoSuchBucket", unknown.Stderr);
    }
}

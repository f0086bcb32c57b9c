using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Strata.Server.Hosting;

namespace Strata.Server.Tests;

/// <summary>
/// /_strata/ready as a load balancer sees it: 200 and "ready" while the server can take writes, 503 naming the
/// failing check when it cannot; /_strata/health (liveness) stays 200 either way.
/// </summary>
public sealed class ReadyEndpoint
{
    [Fact]
    public async Task A_serving_server_is_ready_with_every_check_ok()
    {
        await using var host = await StartAsync(FreeSpaceThreshold.Default with { Bytes = 1 });
        using var http = new HttpClient { BaseAddress = host.Endpoint };

        var response = await http.GetAsync("/_strata/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        foreach (var check in new[] { "database", "dataDirectory", "freeSpace" })
        {
            Assert.Equal("ok", body.RootElement.GetProperty("checks").GetProperty(check).GetString());
        }
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/_strata/ready"))).StatusCode);
    }

    [Fact]
    public async Task Free_space_below_the_threshold_answers_503_naming_the_check()
    {
        // No file system is 100% free: it holds at least its own structures and this data directory.
        await using var host = await StartAsync(new FreeSpaceThreshold(0, Percent: 100));
        using var http = new HttpClient { BaseAddress = host.Endpoint };

        var response = await http.GetAsync("/_strata/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("not ready", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("freeSpace", Assert.Single(body.RootElement.GetProperty("failing").EnumerateArray()).GetString());
        Assert.Contains("below --min-free-space 100%", body.RootElement.GetProperty("checks").GetProperty("freeSpace").GetString());
        Assert.Equal("ok", body.RootElement.GetProperty("checks").GetProperty("database").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/_strata/health")).StatusCode);
    }

    // Root writes through file modes; a read-only mount over the blob directory is what refuses it.
    [RootFact]
    public async Task A_data_directory_that_cannot_be_written_answers_503_naming_the_check()
    {
        await using var host = await StartAsync(FreeSpaceThreshold.Default with { Bytes = 1 });
        using var http = new HttpClient { BaseAddress = host.Endpoint };
        var blobs = Path.Combine(host.Data, "blobs");
        Assert.Equal(0, await RunAsync("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", blobs));
        try
        {
            var response = await http.GetAsync("/_strata/ready");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("dataDirectory", body.RootElement.GetProperty("failing")[0].GetString());
            Assert.DoesNotContain(host.Data, body.RootElement.GetRawText());
        }
        finally
        {
            await RunAsync("umount", blobs);
        }
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/_strata/ready")).StatusCode);
    }

    [Fact]
    public async Task A_probe_file_left_by_a_crash_is_removed_at_the_next_start()
    {
        string data, folder;
        await using (var first = await StartAsync(FreeSpaceThreshold.Default with { Bytes = 1 }, keepData: true))
        {
            using var http = new HttpClient { BaseAddress = first.Endpoint };
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/_strata/ready")).StatusCode);
            data = first.Data;
            folder = Path.Combine(data, "blobs", Readiness.ProbeFolder);
            Assert.True(Directory.Exists(folder), "the probe writes in its folder of blobs/");
        }
        // What a crash between the probe's create and its delete leaves behind.
        var leftover = Path.Combine(folder, ".ready-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllBytesAsync(leftover, [1]);

        await using var second = await StartAsync(FreeSpaceThreshold.Default with { Bytes = 1 }, existing: data);

        Assert.False(File.Exists(leftover));
    }

    private static async Task<RunningHost> StartAsync(FreeSpaceThreshold minFreeSpace, string? existing = null, bool keepData = false)
    {
        var data = existing ?? Path.Combine(Path.GetTempPath(), "strata-ready-" + Guid.NewGuid().ToString("N")[..12]);
        var host = await StrataHost.StartAsync(new StrataServerOptions
        {
            DataDirectory = data,
            Listen = "127.0.0.1:0",
            RootAccessKey = StrataServer.AccessKey,
            RootSecretKey = StrataServer.SecretKey,
            MinFreeSpace = minFreeSpace,
        }, TextWriter.Null);
        return new RunningHost(host, data, keepData);
    }

    private static async Task<int> RunAsync(string tool, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(tool, args) { UseShellExecute = false })!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private sealed class RunningHost(StrataHost host, string data, bool keepData) : IAsyncDisposable
    {
        public Uri Endpoint => host.Endpoint;
        public string Data => data;

        public async ValueTask DisposeAsync()
        {
            await host.DisposeAsync();
            if (!keepData) Directory.Delete(data, recursive: true);
        }
    }
}

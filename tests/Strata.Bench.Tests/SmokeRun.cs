using System.CommandLine;
using System.Text.Json;
using Strata.Cli;

namespace Strata.Bench.Tests;

/// <summary>
/// `strata bench --server` end to end at tiny sizes and durations: correctness only (every workload ran, moved
/// something, and nothing failed). Speed is measured by hand and recorded in bench/RESULTS.md, never asserted.
/// </summary>
public sealed class SmokeRun
{
    [Fact]
    public async Task Every_workload_runs_against_an_in_process_server_without_errors_and_prints_json()
    {
        var (exit, stdout, stderr) = await RunAsync(
            "bench", "--server", "--baseline", "--json", "--duration", "100ms", "--concurrency", "4", "--size", "1KiB",
            "--large-size", "256KiB", "--large-concurrency", "2", "--objects", "16", "--list-depths", "300", "--versions-per-key", "3");

        Assert.True(exit == 0, $"exit {exit}\n{stderr}\n{stdout}");
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(0, json.RootElement.GetProperty("run").GetProperty("errors").GetInt64());
        var seen = new HashSet<string>();
        foreach (var workload in json.RootElement.GetProperty("workloads").EnumerateArray())
        {
            var name = workload.GetProperty("workload").GetString()!;
            seen.Add(name);
            Assert.Equal(0, workload.GetProperty("errors").GetInt64());
            Assert.True(workload.GetProperty("ops").GetInt64() > 0, $"{name} did nothing");
            Assert.True(workload.GetProperty("opsPerSec").GetDouble() > 0, name);
            Assert.True(workload.TryGetProperty("p50Ms", out _) && workload.TryGetProperty("p99Ms", out _) && workload.TryGetProperty("mbPerSec", out _), name);
            var limits = workload.GetProperty("limits");
            Assert.True(limits.GetProperty("httpCeiling").GetProperty("ops").GetInt64() > 0, name);
            Assert.True(workload.GetProperty("ratios").GetProperty("toHttpCeiling").GetDouble() > 0, name);
            if (name is "put" or "overwrite" or "large-put") Assert.True(workload.GetProperty("ratios").GetProperty("toDiskFsync").GetDouble() > 0, name);
        }
        Assert.Equal(["get", "large-get", "large-put", "list-v2", "list-versions", "mixed", "overwrite", "put"], seen.Order());
    }

    [Fact]
    public async Task Large_objects_over_the_threshold_go_as_multipart_uploads_the_server_completes()
    {
        var (exit, stdout, stderr) = await RunAsync(
            "bench", "--server", "--json", "--workload", "large", "--duration", "300ms", "--large-size", "11MiB", "--large-concurrency", "1",
            "--multipart-threshold", "10MiB", "--part-size", "5MiB", "--part-concurrency", "3");

        Assert.True(exit == 0, $"exit {exit}\n{stderr}\n{stdout}");
        using var json = JsonDocument.Parse(stdout);
        var put = json.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("workload").GetString() == "large-put");
        Assert.Equal(0, put.GetProperty("errors").GetInt64());
        Assert.True(put.GetProperty("ops").GetInt64() > 0);
        Assert.Contains("multipart: 5MiB parts, 3 in flight per object", put.GetRawText(), StringComparison.Ordinal);
        var get = json.RootElement.GetProperty("workloads").EnumerateArray().Single(w => w.GetProperty("workload").GetString() == "large-get");
        Assert.Equal(0, get.GetProperty("errors").GetInt64()); // each GET checks it got all 11 MiB back
    }

    [Fact]
    public async Task A_part_size_under_5_MiB_is_a_usage_error()
    {
        var (exit, _, stderr) = await RunAsync("bench", "--server", "--part-size", "1MiB");
        Assert.Equal(2, exit);
        Assert.Contains("--part-size", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_does_not_answer_is_reported_in_plain_words_with_exit_3()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop(); // nothing listens there now

        var (exit, _, stderr) = await RunAsync("bench", "--endpoint-url", $"http://127.0.0.1:{port}", "--access-key", "AKIDEXAMPLE", "--secret-key", "secret",
            "--workload", "put", "--duration", "100ms");
        Assert.Equal(3, exit);
        Assert.Contains("could not set up the bench bucket", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal); // no stack trace
    }

    [Fact]
    public async Task Neither_an_endpoint_nor_server_is_a_usage_error()
    {
        var (exit, _, stderr) = await RunAsync("bench", "--duration", "1s");
        Assert.Equal(2, exit);
        Assert.Contains("--endpoint-url", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_workload_is_a_usage_error()
    {
        var (exit, _, stderr) = await RunAsync("bench", "--server", "--workload", "teleport");
        Assert.Equal(2, exit);
        Assert.Contains("teleport", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var root = new RootCommand { BenchCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });
        return (exit, stdout.ToString(), stderr.ToString());
    }
}

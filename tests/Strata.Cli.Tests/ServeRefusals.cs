using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;

namespace Strata.Cli.Tests;

/// <summary>
/// `strata serve` refused as a person would meet it: one or two plain lines naming the cause and what to do,
/// exit 2 for a malformed setting and 1 for a directory, file or port that cannot be used, never a stack
/// trace; and a data directory that was not yet there is not created by a refused start.
/// </summary>
public sealed class ServeRefusals : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "strata-cli-serve-" + Guid.NewGuid().ToString("N")[..8]);

    public ServeRefusals() => Directory.CreateDirectory(_root);

    private string Data => Path.Combine(_root, "data");

    [Theory]
    [InlineData("--listen", "9000", "--listen wants HOST:PORT")]
    [InlineData("--listen", "127.0.0.1:70000", "a port from 0 to 65535")]
    [InlineData("--listen", "127.0.0.1:ninety", "got '127.0.0.1:ninety'")]
    [InlineData("--listen", "example.com:9000", "with an IP address (or localhost)")]
    [InlineData("--tls-cert", "cert.pem", "--tls-cert and --tls-key go together")]
    [InlineData("--max-connections", "0", "--max-connections")]
    [InlineData("--sigv2", "yes", "--sigv2 (STRATA_SIGV2) must be on or off; got 'yes'")]
    [InlineData("--lifecycle-interval", "soon", "--lifecycle-interval (STRATA_LIFECYCLE_INTERVAL) must be a duration such as 1h, 30m or 0; got 'soon'")]
    [InlineData("--scrub-interval", "nightly", "--scrub-interval (STRATA_SCRUB_INTERVAL) must be a duration such as 24h, 168h or 0; got 'nightly'")]
    [InlineData("--scrub-rate", "fast", "--scrub-rate (STRATA_SCRUB_RATE) must be a number of MB/s such as 50, or 0 for unpaced; got 'fast'")]
    [InlineData("--scrub-rate", "-5", "got '-5'")]
    [InlineData("--default-object-ownership", "Enforced", "must be none, ObjectWriter, BucketOwnerPreferred or BucketOwnerEnforced; got 'Enforced'")]
    [InlineData("--replication-concurrency", "0", "--replication-concurrency (STRATA_REPLICATION_CONCURRENCY) must be a whole number, 1 or more")]
    [InlineData("--console-idle-timeout", "soon", "--console-idle-timeout (STRATA_CONSOLE_IDLE_TIMEOUT) must be a duration such as 15m or 1h; got 'soon'")]
    [InlineData("--console-idle-timeout", "0", "got '0'")]
    [InlineData("--replication-retry-max", "later", "--replication-retry-max (STRATA_REPLICATION_RETRY_MAX) must be a duration such as 5m or 30s; got 'later'")]
    public async Task A_malformed_setting_exits_2_before_the_directory_is_made(string option, string value, string message)
    {
        var result = await ServeAsync(["--tls", option, value]);

        AssertRefused(result, 2, message);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task A_port_in_use_exits_1_and_suggests_listen()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var result = await ServeAsync(["--listen", $"127.0.0.1:{port}"]);

        AssertRefused(result, 1, $"Cannot listen on 127.0.0.1:{port}: the port is in use by another program");
        Assert.Contains("--listen HOST:PORT", result.Stderr);
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task An_address_that_is_not_this_machines_exits_1()
    {
        // 192.0.2.0/24 is TEST-NET-1 (RFC 5737): never assigned to a host, so binding it fails; nothing is sent.
        var result = await ServeAsync(["--listen", "192.0.2.1:9000"]);

        AssertRefused(result, 1, "that address is not one of this machine's");
    }

    [Fact]
    public async Task A_missing_certificate_file_exits_1_naming_it()
    {
        File.WriteAllText(Path.Combine(_root, "key.pem"), "");

        var result = await ServeAsync(["--tls", "--tls-cert", "missing.pem", "--tls-key", "key.pem"]);

        AssertRefused(result, 1, "--tls-cert missing.pem: no such file.");
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task A_certificate_that_is_not_PEM_exits_1()
    {
        File.WriteAllText(Path.Combine(_root, "cert.pem"), "not a certificate\n");
        File.WriteAllText(Path.Combine(_root, "key.pem"), "not a key\n");

        var result = await ServeAsync(["--tls", "--tls-cert", "cert.pem", "--tls-key", "key.pem"]);

        AssertRefused(result, 1, "are not a PEM certificate and its matching private key");
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task A_malformed_strata_json_exits_2_naming_the_file_and_line()
    {
        File.WriteAllText(Path.Combine(_root, "strata.json"), "{\n  \"Listen\": \"127.0.0.1:0\",\n  \"Region\": eu-west-1\n}\n");

        var result = await ServeAsync(["--config", "strata.json"]);

        AssertRefused(result, 2, $"{Path.Combine(_root, "strata.json")} is not valid JSON (line 3)");
        Assert.False(Directory.Exists(Data));
    }

    [Fact]
    public async Task Only_half_a_root_key_in_the_environment_exits_2()
    {
        var result = await ServeAsync([], new() { ["STRATA_ROOT_ACCESS_KEY"] = "ROOTKEY0000000000001" });

        AssertRefused(result, 2, "Set both STRATA_ROOT_ACCESS_KEY and STRATA_ROOT_SECRET_KEY, or neither");
    }

    [Fact]
    public async Task A_data_directory_that_is_a_file_exits_1()
    {
        File.WriteAllText(Data, "");

        var result = await ServeAsync([]);

        AssertRefused(result, 1, $"The data directory {Data} is a file, not a directory.");
    }

    [Fact]
    public async Task A_data_directory_under_a_file_exits_1_naming_the_file()
    {
        var file = Path.Combine(_root, "file");
        File.WriteAllText(file, "");

        var result = await ServeAsync(["--data", Path.Combine(file, "data")]);

        AssertRefused(result, 1, $"cannot be created: {file} is a file.");
    }

    [Fact]
    public async Task A_data_directory_written_by_a_newer_schema_exits_1_and_is_left_as_it_was()
    {
        Directory.CreateDirectory(Data);
        var database = Path.Combine(Data, "metadata.db");
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99;";
            command.ExecuteNonQuery();
        }

        var result = await ServeAsync([]);

        AssertRefused(result, 1, "written by a newer Strata (schema 99");
        using var check = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal(99L, version.ExecuteScalar());
    }

    // Root writes through file modes; only a read-only mount refuses it, and mounting needs root.
    [RootFact]
    public async Task A_read_only_data_directory_exits_1()
    {
        Directory.CreateDirectory(Data);
        Assert.Equal(0, await RunToolAsync("mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", Data));
        try
        {
            var result = await ServeAsync([]);

            AssertRefused(result, 1, $"The data directory {Data} cannot be written");
        }
        finally
        {
            await RunToolAsync("umount", Data);
        }
    }

    [Fact]
    public async Task A_damaged_root_credentials_file_exits_1_and_says_how_to_recover()
    {
        Directory.CreateDirectory(Data);
        File.WriteAllText(Path.Combine(Data, "root-credentials.json"), "{ not json");

        var result = await ServeAsync([]);

        AssertRefused(result, 1, "root-credentials.json is damaged");
        Assert.Contains("STRATA_ROOT_ACCESS_KEY", result.Stderr);
        Assert.Equal("{ not json", File.ReadAllText(Path.Combine(Data, "root-credentials.json")));
    }

    [Fact]
    public async Task A_changed_root_key_is_announced_and_root_credentials_json_follows_it()
    {
        await StartThenStopAsync(new() { ["STRATA_ROOT_ACCESS_KEY"] = "FIRSTROOTKEY00000001", ["STRATA_ROOT_SECRET_KEY"] = "first-secret-0123456789abcdefghijklmnopq" });

        var second = await StartThenStopAsync(new() { ["STRATA_ROOT_ACCESS_KEY"] = "SECONDROOTKEY0000002", ["STRATA_ROOT_SECRET_KEY"] = "second-secret-0123456789abcdefghijklmnop" });

        Assert.Contains("The root key was replaced: STRATA_ROOT_ACCESS_KEY is SECONDROOTKEY0000002, the previous key FIRSTROOTKEY00000001 no longer works", second);
        Assert.DoesNotContain("second-secret", second);
        var stored = File.ReadAllText(Path.Combine(Data, "root-credentials.json"));
        Assert.Contains("SECONDROOTKEY0000002", stored);
        Assert.DoesNotContain("FIRSTROOTKEY", stored);
    }

    /// <summary>`strata serve` in the test's folder, with the test's data directory and port 0 unless the case names its own.</summary>
    private Task<CliResult> ServeAsync(string[] options, Dictionary<string, string>? environment = null)
    {
        List<string> args = ["serve", .. options];
        if (!options.Contains("--data")) args.AddRange(["--data", Data]);
        if (!options.Contains("--listen")) args.AddRange(["--listen", "127.0.0.1:0"]);
        return StrataCli.RunAsync(args, environment ?? [], _root);
    }

    private static void AssertRefused(CliResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}: {result}");
        Assert.Contains(message, result.Stderr);
        Assert.StartsWith("strata serve: ", result.Stderr);
        Assert.True(result.Stderr.TrimEnd().Split('\n').Length <= 2, $"more than two lines: {result}");
        Assert.DoesNotContain("serving S3", result.Stdout);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
        Assert.DoesNotContain("Exception", result.Stdout + result.Stderr);
    }

    [Theory]
    [InlineData("STRATA_SIGV2")]
    [InlineData("strata.json")]
    public async Task Sigv2_off_refuses_a_sigv2_url_with_a_message_naming_the_setting(string source)
    {
        Dictionary<string, string> environment = [];
        if (source == "STRATA_SIGV2") environment["STRATA_SIGV2"] = "off";
        else
        {
            File.WriteAllText(Path.Combine(_root, "strata.json"), "{ \"SigV2\": \"off\" }\n");
            environment["STRATA_CONFIG"] = "strata.json";
        }
        string? body = null;
        var status = HttpStatusCode.OK;

        await StartThenStopAsync(environment, async endpoint =>
        {
            using var http = new HttpClient();
            var response = await http.GetAsync(new Uri(endpoint, "/bucket/key?AWSAccessKeyId=AKID&Expires=4102444800&Signature=abc%3D"));
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync();
        });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("<Code>InvalidRequest</Code>", body);
        Assert.Contains("strata serve --sigv2 on", body);
    }

    /// <summary>
    /// Starts `strata serve` on the test's data directory, waits for its serving line, runs <paramref name="whileServing"/>
    /// with its endpoint, stops it; returns what it printed.
    /// </summary>
    private async Task<string> StartThenStopAsync(Dictionary<string, string> environment, Func<Uri, Task>? whileServing = null)
    {
        var start = new ProcessStartInfo(StrataCli.Binary)
        {
            WorkingDirectory = _root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "serve", "--data", Data, "--listen", "127.0.0.1:0" },
        };
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var printed = new System.Text.StringBuilder();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                printed.AppendLine(line);
                if (!line.Contains("serving S3", StringComparison.Ordinal)) continue;
                var at = line.IndexOf("http", StringComparison.Ordinal);
                if (whileServing is not null) await whileServing(new Uri(line[at..line.IndexOf(' ', at)]));
                break;
            }
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        Assert.Contains("serving S3", printed.ToString());
        return printed.ToString();
    }

    private static async Task<int> RunToolAsync(string tool, params string[] args)
    {
        var start = new ProcessStartInfo(tool) { UseShellExecute = false };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }
}

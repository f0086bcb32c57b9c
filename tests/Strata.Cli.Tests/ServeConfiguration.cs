using System.Net;
using System.Text.RegularExpressions;

namespace Strata.Cli.Tests;

/// <summary>
/// `strata serve --config FILE`: every setting from the command line, else STRATA_*, else the file, else its
/// default; a key the server does not know is refused by name; docs/CONFIG.md lists every option there is.
/// </summary>
public sealed class ServeConfiguration : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "strata-cli-config-" + Guid.NewGuid().ToString("N")[..8]);

    public ServeConfiguration() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_command_line_beats_the_environment_which_beats_the_file_which_beats_the_default()
    {
        string cli = Path.Combine(_root, "cli-data"), env = Path.Combine(_root, "env-data"), file = Path.Combine(_root, "file-data");
        File.WriteAllText(Path.Combine(_root, "settings.json"), $$"""
            {
              // Comments are allowed, as in appsettings.json.
              "data": "{{file}}",
              "region": "file-region",
              "sigv2": "off",
              "listen": "127.0.0.1:0",
            }
            """);

        await using var server = await ServeProcess.StartAsync(StrataCli.Binary, ["serve", "--config", "settings.json", "--data", cli],
            new Dictionary<string, string> { ["STRATA_DATA"] = env, ["STRATA_REGION"] = "env-region" }, _root);

        Assert.Contains($"(data: {cli}, region env-region,", server.ServingLine);
        Assert.False(Directory.Exists(env));
        Assert.False(Directory.Exists(file));
        // From the file only: SigV2 is off, so a SigV2 presigned URL is refused naming the setting.
        using var http = new HttpClient();
        var response = await http.GetAsync(new Uri(server.Endpoint, "/bucket/key?AWSAccessKeyId=AKID&Expires=4102444800&Signature=abc%3D"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("strata serve --sigv2 on", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await server.StopAsync());
    }

    [Fact]
    public async Task A_flag_turned_off_on_the_command_line_stays_off_whatever_the_environment_says()
    {
        await using var server = await ServeProcess.StartAsync(StrataCli.Binary, ["serve", "--data", Path.Combine(_root, "data"), "--listen", "127.0.0.1:0", "--tls", "false"],
            new Dictionary<string, string> { ["STRATA_TLS"] = "1" }, _root);

        Assert.StartsWith("http://", server.Endpoint.ToString());
    }

    [Fact]
    public async Task An_unknown_key_in_the_file_exits_2_naming_it_and_suggesting_the_near_one()
    {
        File.WriteAllText(Path.Combine(_root, "strata.json"), """{ "listen": "127.0.0.1:0", "maxConnection": 10 }""");

        var result = await ServeAsync(["--config", "strata.json"]);

        AssertRefused(result, 2, $"{Path.Combine(_root, "strata.json")}: unknown setting \"maxConnection\" (did you mean \"maxConnections\"?)");
        Assert.False(Directory.Exists(Path.Combine(_root, "data")));
    }

    [Fact]
    public async Task A_value_of_the_wrong_kind_exits_2_naming_where_it_came_from()
    {
        var fromEnvironment = await ServeAsync([], new() { ["STRATA_MAX_CONNECTIONS"] = "many" });
        File.WriteAllText(Path.Combine(_root, "strata.json"), """{ "accessLog": "loud" }""");
        var fromFile = await ServeAsync(["--config", "strata.json"]);

        AssertRefused(fromEnvironment, 2, "STRATA_MAX_CONNECTIONS (--max-connections) must be a whole number; got 'many'.");
        AssertRefused(fromFile, 2, "strata.json: \"accessLog\" (--access-log) must be true or false; got 'loud'.");
    }

    [Fact]
    public async Task A_config_file_that_is_not_there_exits_1_naming_it()
    {
        var result = await ServeAsync([], new() { ["STRATA_CONFIG"] = "/etc/strata/missing.json" });

        AssertRefused(result, 1, "--config /etc/strata/missing.json: no such file.");
    }

    [Fact]
    public async Task Every_serve_option_has_its_row_in_docs_CONFIG_md_and_every_row_is_an_option()
    {
        var help = await StrataCli.RunAsync(["serve", "--help"], new Dictionary<string, string>());
        var options = Regex.Matches(help.Stdout, @"^\s+(?:-\S+, )*(--[a-z0-9-]+)", RegexOptions.Multiline).Select(m => m.Groups[1].Value)
            .Where(o => o != "--help").ToList();
        Assert.Contains("--listen", options);
        Assert.Contains("--config", options);
        var table = File.ReadAllLines(Path.Combine(FiguresFile.RepositoryRoot(), "docs", "CONFIG.md"))
            .Where(line => line.StartsWith("| `--", StringComparison.Ordinal) || line.StartsWith("| (none)", StringComparison.Ordinal))
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .ToList();

        foreach (var option in options)
        {
            var name = option[2..];
            var words = name.Split('-');
            var key = words[0] + string.Concat(words.Skip(1).Select(w => char.ToUpperInvariant(w[0]) + w[1..]));
            var variable = "STRATA_" + name.Replace('-', '_').ToUpperInvariant();
            var row = table.SingleOrDefault(cells => cells[1] == $"`{option}`");
            Assert.True(row is not null, $"docs/CONFIG.md has no row for `strata serve {option}`: add | `{option}` | `{key}` | `{variable}` | default | meaning |");
            // --config has no key: a settings file does not name another.
            if (option != "--config") Assert.Equal($"`{key}`", row[2]);
            Assert.Equal($"`{variable}`", row[3]);
        }
        foreach (var cells in table.Where(cells => cells[1].StartsWith("`--", StringComparison.Ordinal)))
        {
            Assert.True(options.Contains(cells[1].Trim('`')), $"docs/CONFIG.md lists {cells[1]}, which `strata serve` does not have.");
        }
        Assert.Contains(table, cells => cells[3] == "`STRATA_ROOT_ACCESS_KEY`" && cells[2] == "`rootAccessKey`");
        Assert.Contains(table, cells => cells[3] == "`STRATA_ROOT_SECRET_KEY`" && cells[2] == "`rootSecretKey`");
    }

    private Task<CliResult> ServeAsync(string[] options, Dictionary<string, string>? environment = null)
    {
        List<string> args = ["serve", .. options, "--data", Path.Combine(_root, "data")];
        if (!options.Contains("--config") && environment?.ContainsKey("STRATA_CONFIG") != true) args.AddRange(["--listen", "127.0.0.1:0"]);
        return StrataCli.RunAsync(args, environment ?? [], _root);
    }

    private static void AssertRefused(CliResult result, int exitCode, string message)
    {
        Assert.True(result.ExitCode == exitCode, $"expected exit {exitCode}: {result}");
        Assert.Contains(message, result.Stderr);
        Assert.StartsWith("strata serve: ", result.Stderr);
        Assert.Single(result.Stderr.TrimEnd().Split('\n'));
        Assert.DoesNotContain("serving S3", result.Stdout);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }
}

using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Strata.Cli.Tests;

/// <summary>
/// docs/examples/strata.service, run as systemd runs it: its ExecStart (the binary replaced by the one built here,
/// the settings file by a copy of docs/examples/strata.json pointed at a temporary directory and a free port), its
/// Environment= lines, and NOTIFY_SOCKET naming a datagram socket this test listens on. The server must say
/// READY=1 there, then answer /_strata/ready with 200, and STOPPING=1 on SIGTERM.
/// </summary>
public sealed class SystemdUnit : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "strata-unit-" + Guid.NewGuid().ToString("N")[..8]);

    public SystemdUnit() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_example_unit_starts_the_server_which_notifies_READY_and_is_ready()
    {
        var docs = Path.Combine(FiguresFile.RepositoryRoot(), "docs", "examples");
        var unit = File.ReadAllLines(Path.Combine(docs, "strata.service")).Select(l => l.Trim()).ToList();
        Assert.Contains("Type=notify", unit);
        var execStart = unit.Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var environment = unit.Where(l => l.StartsWith("Environment=", StringComparison.Ordinal))
            .Select(l => l["Environment=".Length..].Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        // The unit's settings file, with the machine paths replaced by this test's.
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(docs, "strata.json")), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!.AsObject();
        Assert.Equal("/var/lib/strata", settings["data"]!.GetValue<string>());
        Assert.Contains("ReadWritePaths=/var/lib/strata", unit);
        settings["data"] = Path.Combine(_root, "data");
        settings["listen"] = "127.0.0.1:0";
        settings["minFreeSpace"] = "1MiB";
        var settingsPath = Path.Combine(_root, "strata.json");
        File.WriteAllText(settingsPath, settings.ToJsonString());
        var configAt = Array.IndexOf(execStart, "--config");
        Assert.True(configAt > 0, "ExecStart passes --config FILE");
        execStart[configAt + 1] = settingsPath;

        var socketPath = Path.Combine(_root, "notify.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        environment["NOTIFY_SOCKET"] = socketPath;

        await using var server = await ServeProcess.StartAsync(StrataCli.Binary, execStart.Skip(1), environment, "/");

        var ready = await ReceiveAsync(notify);
        Assert.Contains("READY=1", ready.Split('\n'));
        Assert.Contains($"STATUS=Serving S3 at {server.Endpoint}", ready);
        using (var http = new HttpClient())
        {
            var response = await http.GetAsync(new Uri(server.Endpoint, "/_strata/ready"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("\"status\":\"ready\"", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(0, await server.StopAsync());
        Assert.Contains("STOPPING=1", (await ReceiveAsync(notify)).Split('\n'));
    }

    [Fact]
    public void The_unit_shown_in_DEPLOY_md_is_the_example_file()
    {
        var root = FiguresFile.RepositoryRoot();
        var file = File.ReadAllLines(Path.Combine(root, "docs", "examples", "strata.service")).Where(l => l.Length > 0 && !l.StartsWith('#'));
        var deploy = File.ReadAllText(Path.Combine(root, "docs", "DEPLOY.md"));
        var start = deploy.IndexOf("```ini\n", StringComparison.Ordinal) + "```ini\n".Length;
        var shown = deploy[start..deploy.IndexOf("```", start, StringComparison.Ordinal)].Split('\n').Where(l => l.Length > 0);

        Assert.Equal(file, shown);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[4096];
        // Not a timing assertion: a server that never notifies would otherwise hang the run.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = await socket.ReceiveAsync(buffer, SocketFlags.None, limit.Token);
        return Encoding.UTF8.GetString(buffer, 0, received);
    }
}

using System.CommandLine;
using System.Text.Json;
using Strata.Core;

namespace Strata.Cli.Admin;

/// <summary>
/// `strata admin remote add|list|check|remove` (replication targets) and `strata admin replication status|retry BUCKET`.
/// A remote's keys come from STRATA_REMOTE_ACCESS_KEY / STRATA_REMOTE_SECRET_KEY or a prompt, never the command line
/// (argv is visible to every user of the machine), and are sent in the request body.
/// </summary>
internal static class RemoteCommands
{
    public static Command Create()
    {
        var remote = new Command("remote", "Remote S3 endpoints that replication sends to (their keys are stored encrypted, never shown)");
        var name = new Argument<string>("name");
        var endpoint = new Option<string>("--remote-endpoint-url") { Description = "The remote S3 endpoint, e.g. https://s3.example.com:9000", Required = true };
        var region = new Option<string?>("--remote-region") { Description = "Its signing region (default us-east-1)" };
        var caBundle = new Option<FileInfo?>("--remote-ca-bundle") { Description = "CA certificate(s) (PEM) to trust for the remote's HTTPS" };
        var pathStyle = new Option<bool>("--path-style") { Description = "Path-style addressing (http://host/bucket/key), as S3-compatible servers without wildcard DNS need" };
        remote.Subcommands.Add(AdminCommand.Leaf("add",
            "Add a remote; its keys from STRATA_REMOTE_ACCESS_KEY and STRATA_REMOTE_SECRET_KEY, else asked for",
            [name, endpoint, region, caBundle, pathStyle], async (p, c) =>
            {
                var remoteName = p.GetValue(name)!;
                if (!Core.Replication.RemoteName.IsValid(remoteName)) throw new FormatException($"'{remoteName}' is not a remote name: 1 to 64 of A-Z a-z 0-9 _ . -");
                var url = p.GetValue(endpoint)!;
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    throw new FormatException($"--remote-endpoint-url wants an http:// or https:// URL; got '{url}'.");
                }
                string? pem = null;
                if (p.GetValue(caBundle) is { } file)
                {
                    Strata.Client.Connection.TrustedCa.EnsureReadable(file.FullName);
                    pem = await File.ReadAllTextAsync(file.FullName);
                }
                var (accessKey, secretKey) = RemoteKeys();
                var body = JsonSerializer.Serialize(new Dictionary<string, object?>
                {
                    ["name"] = remoteName,
                    ["endpoint"] = url,
                    ["region"] = p.GetValue(region),
                    ["pathStyle"] = p.GetValue(pathStyle),
                    ["caBundle"] = pem,
                    ["accessKeyId"] = accessKey,
                    ["secretAccessKey"] = secretKey,
                });
                return await c.SendAsync(HttpMethod.Post, "remotes", body: body);
            }));
        remote.Subcommands.Add(AdminCommand.Leaf("list", "List the remotes (never their secrets)", [], (_, c) => c.SendAsync(HttpMethod.Get, "remotes")));
        var bucket = new Argument<string>("bucket") { Description = "The remote bucket replication will write to" };
        remote.Subcommands.Add(AdminCommand.Leaf("check", "Prove the remote's key can write to BUCKET (a probe object put, then deleted) and show its versioning",
            [name, bucket], (p, c) =>
            {
                c.Timeout = TimeSpan.FromMinutes(2);
                return c.SendAsync(HttpMethod.Post, $"remotes/{p.GetValue(name)}/check", [("bucket", Bucket(p.GetValue(bucket)!))]);
            }));
        remote.Subcommands.Add(AdminCommand.Leaf("remove", "Remove a remote (rules that name it fail until it is added again)", [name],
            (p, c) => c.SendAsync(HttpMethod.Delete, "remotes/" + p.GetValue(name))));
        return remote;
    }

    public static Command CreateReplication()
    {
        var replication = new Command("replication", "Live replication: a bucket's backlog, failures and throughput; retry failures now");
        var bucket = new Argument<string>("bucket");
        replication.Subcommands.Add(AdminCommand.Leaf("status", "Backlog (versions, bytes, oldest pending), failures with the destination's error, throughput",
            [bucket], (p, c) => c.SendAsync(HttpMethod.Get, "replication/" + Bucket(p.GetValue(bucket)!))));
        replication.Subcommands.Add(AdminCommand.Leaf("retry", "Retry the bucket's failed items now instead of at their scheduled time",
            [bucket], (p, c) => c.SendAsync(HttpMethod.Post, $"replication/{Bucket(p.GetValue(bucket)!)}/retry")));
        return replication;
    }

    /// <summary>The remote's keys: the environment, else a prompt on the terminal (the secret not echoed); exit 2 when neither is possible.</summary>
    private static (string AccessKey, string SecretKey) RemoteKeys()
    {
        var accessKey = Environment.GetEnvironmentVariable("STRATA_REMOTE_ACCESS_KEY");
        var secretKey = Environment.GetEnvironmentVariable("STRATA_REMOTE_SECRET_KEY");
        if (accessKey is { Length: > 0 } && secretKey is { Length: > 0 }) return (accessKey, secretKey);
        if (Console.IsInputRedirected)
        {
            throw new FormatException("Set STRATA_REMOTE_ACCESS_KEY and STRATA_REMOTE_SECRET_KEY to the remote's keys (they are never taken from the command line).");
        }
        if (accessKey is not { Length: > 0 })
        {
            Console.Error.Write("Remote access key id: ");
            accessKey = Console.ReadLine()?.Trim();
        }
        if (secretKey is not { Length: > 0 })
        {
            Console.Error.Write("Remote secret access key: ");
            secretKey = ReadHidden();
        }
        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(secretKey)) throw new FormatException("The remote's access key id and secret are both needed.");
        return (accessKey, secretKey);
    }

    private static string ReadHidden()
    {
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0) text.Length--;
                continue;
            }
            text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }

    // A malformed name is a usage error (exit 2), said before anything is sent.
    private static string Bucket(string name) => BucketName.TryParse(name, out _) ? name : throw new FormatException($"'{name}' is not a valid bucket name.");
}

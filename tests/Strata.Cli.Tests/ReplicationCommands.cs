using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>`strata admin remote`, `strata admin replication` and `strata replicate` as an operator uses them (the remote is the server itself).</summary>
public sealed class ReplicationCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private Dictionary<string, string> Environment(bool remoteKeys = true)
    {
        var environment = new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        };
        if (remoteKeys)
        {
            environment["STRATA_REMOTE_ACCESS_KEY"] = StrataServer.AccessKey;
            environment["STRATA_REMOTE_SECRET_KEY"] = StrataServer.SecretKey;
        }
        return environment;
    }

    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", server.Endpoint.ToString()], Environment());

    private async Task<string> AddRemoteAsync()
    {
        var name = "self-" + Guid.NewGuid().ToString("N")[..8];
        var added = await AdminAsync("remote", "add", name, "--remote-endpoint-url", server.Endpoint.ToString(), "--path-style");
        Assert.True(added.ExitCode == 0, added.ToString());
        return name;
    }

    [Fact]
    public async Task A_remote_is_added_listed_and_removed_and_its_secret_is_never_printed()
    {
        var name = await AddRemoteAsync();
        var list = await AdminAsync("remote", "list", "--json");
        var removed = await AdminAsync("remote", "remove", name);
        var again = await AdminAsync("remote", "remove", name);

        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Contains(name, list.Stdout);
        Assert.DoesNotContain(StrataServer.SecretKey, list.Stdout);
        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("NoSuchEntity", again.Stderr);
    }

    [Fact]
    public async Task Without_the_remote_keys_in_the_environment_add_is_a_usage_error()
    {
        var result = await StrataCli.RunAsync(["admin", "remote", "add", "nokeys", "--remote-endpoint-url", server.Endpoint.ToString(),
            "--endpoint-url", server.Endpoint.ToString()], Environment(remoteKeys: false));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("STRATA_REMOTE_SECRET_KEY", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Check_proves_the_key_writes_and_warns_about_an_unversioned_target()
    {
        var name = await AddRemoteAsync();
        var versioned = await server.CreateBucketAsync(versioning: true);
        var plain = await server.CreateBucketAsync(versioning: false);

        var good = await AdminAsync("remote", "check", name, versioned);
        var warned = await AdminAsync("remote", "check", name, plain);
        var missing = await AdminAsync("remote", "check", name, "no-such-bucket-anywhere");

        Assert.True(good.ExitCode == 0, good.ToString());
        Assert.Contains("versioning: Enabled", good.Stdout);
        Assert.Equal(0, warned.ExitCode);
        Assert.Contains("warning: ", warned.Stdout);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("NoSuchBucket", missing.Stderr);
    }

    [Fact]
    public async Task Replicate_queues_existing_versions_once_and_status_shows_them_sent()
    {
        var name = await AddRemoteAsync();
        var source = await server.CreateBucketAsync(versioning: true);
        var target = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "a.txt", ContentBody = "a" });
        await s3.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = source,
            Configuration = new ReplicationConfiguration
            {
                Rules =
                [
                    new ReplicationRule
                    {
                        Id = "all", Status = ReplicationRuleStatus.Enabled, Filter = new ReplicationRuleFilter { Prefix = "" },
                        DeleteMarkerReplication = new DeleteMarkerReplication { Status = DeleteMarkerReplicationStatus.Enabled },
                        Destination = new ReplicationDestination { BucketArn = $"arn:strata:remote:{name}:{target}" },
                    },
                ],
            },
        });

        var first = await StrataCli.RunAsync(["replicate", $"s3://{source}", "--endpoint-url", server.Endpoint.ToString()], Environment());
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("queued: 1", first.Stdout);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await s3.ListVersionsAsync(target)).Versions is not { Count: 1 } && DateTime.UtcNow < deadline) await Task.Delay(100);
        var second = await StrataCli.RunAsync(["replicate", $"s3://{source}", "--endpoint-url", server.Endpoint.ToString()], Environment());
        var status = await AdminAsync("replication", "status", source, "--json");
        var retry = await AdminAsync("replication", "retry", source);

        Assert.Contains("queued: 0", second.Stdout);
        Assert.True(status.ExitCode == 0, status.ToString());
        using var json = JsonDocument.Parse(status.Stdout);
        Assert.Equal(0, json.RootElement.GetProperty("backlogVersions").GetInt64());
        Assert.Equal(1, json.RootElement.GetProperty("sentVersions").GetInt64());
        Assert.Equal(0, retry.ExitCode);
    }

    [Fact]
    public async Task Replicate_of_a_prefix_or_of_a_bucket_without_rules_is_refused()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);

        var prefix = await StrataCli.RunAsync(["replicate", $"s3://{bucket}/photos/", "--endpoint-url", server.Endpoint.ToString()], Environment());
        var none = await StrataCli.RunAsync(["replicate", $"s3://{bucket}", "--endpoint-url", server.Endpoint.ToString()], Environment());

        Assert.Equal(2, prefix.ExitCode);
        Assert.Equal(1, none.ExitCode);
        Assert.Contains("ReplicationConfigurationNotFoundError", none.Stderr);
    }
}

using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>`strata admin account create/list/delete` as an operator runs it, and what the created account can do.</summary>
public sealed class AccountCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });

    private static string UniqueName() => "team-" + Guid.NewGuid().ToString("N")[..8];

    [Fact]
    public async Task An_account_made_on_the_command_line_gets_its_own_ids_and_a_root_key_that_works()
    {
        var name = UniqueName();

        var created = await AdminAsync("account", "create", name);

        Assert.True(created.ExitCode == 0, created.ToString());
        var fields = created.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(": ", 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(name, fields["name"]);
        Assert.Matches("^[0-9]{12}$", fields["accountId"]);
        Assert.NotEqual("000000000000", fields["accountId"]);
        Assert.Matches("^[0-9a-f]{64}$", fields["canonicalId"]);
        using var s3 = server.CreateClient(fields["accessKeyId"], fields["secretAccessKey"]);
        var bucket = StrataServer.UniqueBucketName("team");
        await s3.PutBucketAsync(bucket);
        Assert.Equal(fields["canonicalId"], (await s3.ListBucketsAsync()).Owner.Id);

        var listed = await AdminAsync("account", "list", "--json");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        using var json = JsonDocument.Parse(listed.Stdout);
        var row = json.RootElement.GetProperty("accounts").EnumerateArray().Single(a => a.GetProperty("name").GetString() == name);
        Assert.Equal(fields["accountId"], row.GetProperty("accountId").GetString());
        Assert.Equal(fields["accessKeyId"], row.GetProperty("accessKeyId").GetString());
        Assert.False(row.TryGetProperty("secretAccessKey", out _)); // the secret is shown once, at creation
    }

    [Fact]
    public async Task An_account_that_owns_a_bucket_cannot_be_deleted_until_the_bucket_is_gone()
    {
        var name = UniqueName();
        var created = await AdminAsync("account", "create", name, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        using var json = JsonDocument.Parse(created.Stdout);
        using var s3 = server.CreateClient(json.RootElement.GetProperty("accessKeyId").GetString()!, json.RootElement.GetProperty("secretAccessKey").GetString()!);
        var bucket = StrataServer.UniqueBucketName("kept");
        await s3.PutBucketAsync(bucket);

        var refused = await AdminAsync("account", "delete", name);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("DeleteConflict", refused.Stderr);
        Assert.Contains(bucket, refused.Stderr);
        Assert.DoesNotContain("   at ", refused.Stderr);
        Assert.NotEmpty((await s3.ListBucketsAsync()).Buckets!); // the key still works

        await s3.DeleteBucketAsync(bucket);
        var deleted = await AdminAsync("account", "delete", name);

        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Equal("Done.\n", deleted.Stdout);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.ListBucketsAsync());
        Assert.Equal("InvalidAccessKeyId", gone.ErrorCode);
        var listed = await AdminAsync("account", "list");
        Assert.DoesNotContain(name, listed.Stdout);
    }

    [Fact]
    public async Task Deleting_an_account_that_does_not_exist_says_so()
    {
        var result = await AdminAsync("account", "delete", UniqueName());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("NoSuchEntity", result.Stderr);
    }
}

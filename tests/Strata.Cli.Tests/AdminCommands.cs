using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>`strata admin` as an operator runs it: root keys in STRATA_ROOT_*, the server in --endpoint-url.</summary>
public sealed class AdminCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private Task<CliResult> AdminAsync(params string[] args) => AdminWithSecretAsync(StrataServer.SecretKey, args);

    private Task<CliResult> AdminWithSecretAsync(string rootSecret, params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = rootSecret,
        });

    private static string UniqueName() => "app-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>`user add NAME`, then `key create NAME --json`: the key as the operator reads it from the JSON.</summary>
    private async Task<(string AccessKeyId, string SecretAccessKey)> UserWithKeyAsync(string name)
    {
        var added = await AdminAsync("user", "add", name);
        Assert.True(added.ExitCode == 0, added.ToString());
        Assert.Contains($"name: {name}", added.Stdout);
        Assert.Contains($"arn: arn:aws:iam::000000000000:user/{name}", added.Stdout);

        var created = await AdminAsync("key", "create", name, "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        using var json = JsonDocument.Parse(created.Stdout);
        Assert.Equal(name, json.RootElement.GetProperty("userName").GetString());
        return (json.RootElement.GetProperty("accessKeyId").GetString()!, json.RootElement.GetProperty("secretAccessKey").GetString()!);
    }

    private static async Task<string> ReadAsync(IAmazonS3 s3, string bucket, string key)
    {
        using var response = await s3.GetObjectAsync(bucket, key);
        return await new StreamReader(response.ResponseStream).ReadToEndAsync();
    }

    [Fact]
    public async Task A_key_made_on_the_command_line_works_only_as_the_attached_policy_allows()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var other = await server.CreateBucketAsync(versioning: true);
        var name = UniqueName();
        var (id, secret) = await UserWithKeyAsync(name);
        using var app = server.CreateClient(id, secret);
        var beforePolicy = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "a" }));
        Assert.Equal("AccessDenied", beforePolicy.ErrorCode);
        var policy = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(policy, $$"""
                {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
                """);

            var attached = await AdminAsync("policy", "attach", name, "app", "--file", policy);

            Assert.True(attached.ExitCode == 0, attached.ToString());
            Assert.Equal("Done.\n", attached.Stdout);
        }
        finally
        {
            File.Delete(policy);
        }
        await app.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "from the app" });
        Assert.Equal("from the app", await ReadAsync(app, bucket, "a.txt"));
        var elsewhere = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.PutObjectAsync(new() { BucketName = other, Key = "a.txt", ContentBody = "a" }));
        Assert.Equal("AccessDenied", elsewhere.ErrorCode);
        var delete = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.DeleteObjectAsync(bucket, "a.txt"));
        Assert.Equal("AccessDenied", delete.ErrorCode);
    }

    [Fact]
    public async Task A_disabled_key_is_listed_as_inactive_and_stops_working()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var name = UniqueName();
        var (id, secret) = await UserWithKeyAsync(name);
        using var app = server.CreateClient(id, secret);
        var listed = await AdminAsync("key", "list");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("ACCESSKEYID", listed.Stdout);
        Assert.Matches($@"{id}\s+{name}\s+Active", listed.Stdout);
        Assert.DoesNotContain(secret, listed.Stdout);
        // Active, the key is known: without a policy it is refused for want of permission, not as unknown.
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.ListObjectsV2Async(new() { BucketName = bucket }))).ErrorCode);

        var disabled = await AdminAsync("key", "disable", id);

        Assert.True(disabled.ExitCode == 0, disabled.ToString());
        Assert.Equal("Done.\n", disabled.Stdout);
        var after = await AdminAsync("key", "list", "--user", name);
        Assert.Matches($@"{id}\s+{name}\s+Inactive", after.Stdout);
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.ListObjectsV2Async(new() { BucketName = bucket }));
        Assert.Equal("InvalidAccessKeyId", refused.ErrorCode);
    }

    [Fact]
    public async Task Removing_a_user_removes_it_from_the_list_and_its_key_stops_working()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var name = UniqueName();
        var (id, secret) = await UserWithKeyAsync(name);
        using var app = server.CreateClient(id, secret);

        var removed = await AdminAsync("user", "remove", name);

        Assert.True(removed.ExitCode == 0, removed.ToString());
        Assert.Equal("Done.\n", removed.Stdout);
        var users = await AdminAsync("user", "list");
        Assert.True(users.ExitCode == 0, users.ToString());
        Assert.DoesNotContain(name, users.Stdout);
        Assert.DoesNotContain(id, (await AdminAsync("key", "list")).Stdout);
        var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => app.ListObjectsV2Async(new() { BucketName = bucket }));
        Assert.Equal("InvalidAccessKeyId", refused.ErrorCode);
    }

    [Fact]
    public async Task A_wrong_root_secret_exits_1_naming_the_root_credentials_variables_and_changes_nothing()
    {
        var name = UniqueName();

        var result = await AdminWithSecretAsync("not-the-root-secret", "user", "add", name);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("SignatureDoesNotMatch", result.Stderr);
        Assert.Contains("STRATA_ROOT_ACCESS_KEY", result.Stderr);
        Assert.Contains("STRATA_ROOT_SECRET_KEY", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.DoesNotContain(name, (await AdminAsync("user", "list")).Stdout);
    }
}

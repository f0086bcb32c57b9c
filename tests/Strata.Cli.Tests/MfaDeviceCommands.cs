using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>`strata admin mfa enable|list|deactivate` as an operator runs them (issue #11).</summary>
public sealed class MfaDeviceCommands(StrataServer server) : IClassFixture<StrataServer>
{
    private Task<CliResult> AdminAsync(params string[] args) =>
        StrataCli.RunAsync(["admin", .. args, "--endpoint-url", server.Endpoint.ToString()], new Dictionary<string, string>
        {
            ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
            ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
        });

    /// <summary>The device's code one step ahead of the server's clock, which then moves there: never used before.</summary>
    private string FreshCode(string base32Secret)
    {
        server.Time.Advance(TimeSpan.FromSeconds(30));
        return new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(base32Secret)).ComputeTotp(server.Time.GetUtcNow().UtcDateTime);
    }

    private async Task<(string Serial, string Secret)> EnableAsync()
    {
        var enabled = await AdminAsync("mfa", "enable", "--json");
        Assert.True(enabled.ExitCode == 0, enabled.ToString());
        using var json = JsonDocument.Parse(enabled.Stdout);
        return (json.RootElement.GetProperty("serial").GetString()!, json.RootElement.GetProperty("secret").GetString()!);
    }

    [Fact]
    public async Task Enable_twice_explains_what_to_do_list_hides_the_secret_and_deactivate_needs_a_current_code()
    {
        var (serial, secret) = await EnableAsync();

        var again = await AdminAsync("mfa", "enable");

        Assert.Equal(1, again.ExitCode);
        Assert.Equal("", again.Stdout);
        Assert.Contains($"The root user already has an MFA device ({serial}, created ", again.Stderr);
        Assert.Contains("To replace it: `strata admin mfa deactivate --code CODE`, then enable again", again.Stderr);
        Assert.Contains("stop the server and run `strata admin mfa reset --data DIR`", again.Stderr);
        Assert.DoesNotContain("   at ", again.Stderr);

        var listed = await AdminAsync("mfa", "list");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(@"SERIAL\s+CREATED", listed.Stdout);
        Assert.Contains(serial, listed.Stdout);
        Assert.DoesNotContain(secret, listed.Stdout);

        var wrong = await AdminAsync("mfa", "deactivate", "--code", "000000");

        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("The MFA code is not valid or was already used.", wrong.Stderr);
        Assert.Contains(serial, (await AdminAsync("mfa", "list")).Stdout);

        var deactivated = await AdminAsync("mfa", "deactivate", "--code", FreshCode(secret));

        Assert.True(deactivated.ExitCode == 0, deactivated.ToString());
        Assert.Contains($"deactivated: {serial}", deactivated.Stdout);
        Assert.Equal("(none)\n", (await AdminAsync("mfa", "list")).Stdout);
        var (_, newSecret) = await EnableAsync();
        Assert.NotEqual(secret, newSecret);
    }

    [Fact]
    public async Task Resync_without_a_device_or_with_codes_that_do_not_follow_each_other_exits_1_and_a_missing_code_exits_2()
    {
        var missing = await AdminAsync("mfa", "resync", "--code1", "123456");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--code2", missing.Stderr);

        var refused = await AdminAsync("mfa", "resync", "--code1", "123456", "--code2", "123456");

        Assert.Equal(1, refused.ExitCode);
        Assert.DoesNotContain("   at ", refused.Stderr);
    }
}

/// <summary>`strata admin mfa reset --data DIR`: the break-glass path for a lost device, offline only.</summary>
public sealed class MfaDeviceReset(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    private static Task<CliResult> ResetAsync(params string[] args) => StrataCli.RunAsync(["admin", "mfa", "reset", .. args], new Dictionary<string, string>());

    [Fact]
    public async Task Reset_is_refused_while_the_server_runs_and_when_stopped_removes_the_device_loudly()
    {
        using var s3 = server.CreateClient();
        var device = await server.MfaDeviceAsync();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = await server.FreshMfaCodeAsync(),
        });

        var whileRunning = await ResetAsync("--data", server.DataDirectory);

        Assert.Equal(1, whileRunning.ExitCode);
        Assert.Contains("stop the server first", whileRunning.Stderr);
        Assert.DoesNotContain("   at ", whileRunning.Stderr);
        Assert.Contains(device.Serial, await ListAsync());

        await server.StopAsync();
        var reset = await ResetAsync("--data", server.DataDirectory);
        await server.StartAsync();

        Assert.True(reset.ExitCode == 0, reset.ToString());
        Assert.Contains($"MFA DEVICE RESET: removed {device.Serial}", reset.Stderr);
        Assert.Contains("local access", reset.Stderr);
        Assert.Contains($"MFA Delete is on for: {bucket}", reset.Stderr);
        Assert.Contains("strata admin mfa enable", reset.Stderr);
        Assert.Contains(device.Serial, await File.ReadAllTextAsync(Path.Combine(server.DataDirectory, "mfa-reset.log")));
        Assert.Contains($"WARNING: since the last start, ", server.StartOutput);
        Assert.Contains($"root MFA device {device.Serial}", server.StartOutput);
        using (var json = JsonDocument.Parse(await ListAsync()))
        {
            Assert.Empty(json.RootElement.GetProperty("devices").EnumerateArray());
        }
        // The bucket keeps MFA Delete on; it needs a new device before a version can be destroyed.
        using var restarted = server.CreateClient(); // the restarted server listens on a new port
        Assert.Equal(true, (await restarted.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.EnableMfaDelete);
    }

    [Fact]
    public async Task Reset_without_data_exits_2_and_on_a_directory_that_is_not_a_data_directory_exits_3_touching_nothing()
    {
        var missing = await ResetAsync();

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("--data", missing.Stderr);

        var empty = Path.Combine(Path.GetTempPath(), "strata-not-data-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(empty);
        try
        {
            var wrong = await ResetAsync("--data", empty);

            Assert.Equal(3, wrong.ExitCode);
            Assert.Contains("is not a Strata data directory", wrong.Stderr);
            Assert.Empty(Directory.GetFileSystemEntries(empty));
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    private async Task<string> ListAsync()
    {
        using var admin = server.CreateSigned();
        return await (await admin.SendAsync(HttpMethod.Get, "/_strata/admin/mfa")).Content.ReadAsStringAsync();
    }
}

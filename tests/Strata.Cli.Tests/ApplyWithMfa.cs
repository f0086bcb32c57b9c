using Amazon.S3.Model;

namespace Strata.Cli.Tests;

/// <summary>`strata apply --mfa` against `strata serve --tls` (an MFA code is accepted over HTTPS only), and doctor seeing MFA Delete.</summary>
public sealed class ApplyWithMfa(StrataTlsServer server) : IClassFixture<StrataTlsServer>, IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("strata-apply-mfa-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private Task<CliResult> RunAsync(params string[] args) =>
        StrataCli.RunAsync([.. args, "--endpoint-url", server.Endpoint.ToString(), "--ca-bundle", server.Host.CaCertificatePath!], new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        });

    [Fact]
    public async Task Apply_with_mfa_turns_on_MFA_Delete_and_doctor_sees_it()
    {
        var media = StrataServer.UniqueBucketName("media");
        var config = Path.Combine(_directory, "mfa.json");
        File.WriteAllText(config, $$"""{ "buckets": [ { "name": "{{media}}", "role": "media", "mfaDelete": true, "noncurrentVersionExpirationDays": 30 } ] }""");

        var without = await RunAsync("apply", config);
        Assert.True(without.ExitCode == 1, without.ToString());
        Assert.Contains("MFA Delete needs the root's MFA device: run again with --mfa", without.Stdout);
        var code = await server.FreshMfaCodeAsync();
        var with = await RunAsync("apply", config, "--mfa", $"{code.SerialNumber} {code.AuthenticationValue}");

        Assert.True(with.ExitCode == 0, with.ToString());
        Assert.Contains($"{media}: versioning Enabled, MFA Delete on", with.Stdout);
        using var s3 = server.CreateClient();
        Assert.True((await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = media })).VersioningConfig.EnableMfaDelete);
        var doctor = await RunAsync("doctor", "--config", config);
        Assert.Matches($@"media {media}: MFA Delete or Object Lock\s+pass\s+MFA Delete is on", doctor.Stdout);
        Assert.Contains("No changes", (await RunAsync("apply", config)).Stdout);
    }
}

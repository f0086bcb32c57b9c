
namespace Strata.Cli.Tests;

/// <summary>
/// `strata undelete --remove-markers [--mfa]` against `strata serve --tls` with its generated CA, as the README's
/// "Least privilege and MFA Delete" section sets it up.
/// </summary>
public sealed class UndeleteOnMfaDelete(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{


    private async Task<string> FreshCodeAsync()
    {
        var code = await server.FreshMfaCodeAsync();
        return $"{code.SerialNumber} {code.AuthenticationValue}";
    }

    private async Task<string> MfaBucketWithADeletedKeyAsync(IAmazonS3 s3)
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var code = (await FreshCodeAsync()).Split(' ');
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = new MfaCodes { SerialNumber = code[0], AuthenticationValue = code[1] },
        });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "photos/a.jpg", ContentBody = "the photo" });
        await s3.DeleteObjectAsync(bucket, "photos/a.jpg");
        return bucket;
    }

    private Dictionary<string, string> RootKeys(params (string Name, string Value)[] extra)
    {
        var environment = new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        };
        foreach (var (name, value) in extra) environment[name] = value;
        return environment;
    }

    [Fact]
    public async Task Remove_markers_exits_1_asking_for_mfa_without_it_and_brings_the_key_back_with_a_fresh_code()
    {
        using var s3 = server.CreateClient();
        var bucket = await MfaBucketWithADeletedKeyAsync(s3);
        // .NET on Linux reads SSL_CERT_FILE: the only way the recovery commands can trust the generated CA today.
        var trustCa = RootKeys(("SSL_CERT_FILE", server.Host.CaCertificatePath!));
        string[] undelete = ["undelete", $"s3://{bucket}/photos/", "--remove-markers", "--endpoint-url", server.Endpoint.ToString()];

        var without = await StrataCli.RunAsync(undelete, trustCa);

        Assert.Equal(1, without.ExitCode);
        Assert.Contains("remove 1 delete marker\n", without.Stdout);
        Assert.Contains("FAILED photos/a.jpg (remove-delete-marker): The bucket has MFA Delete enabled", without.Stdout);
        Assert.Contains("--mfa \"SERIAL CODE\"", without.Stdout);
        Assert.Equal(2, (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!.Count);

        var with = await StrataCli.RunAsync([.. undelete, "--mfa", await FreshCodeAsync()], trustCa);

        Assert.True(with.ExitCode == 0, with.ToString());
        Assert.Contains("1 change made", with.Stdout);
        using var back = await s3.GetObjectAsync(bucket, "photos/a.jpg");
        Assert.Equal("the photo", await new StreamReader(back.ResponseStream).ReadToEndAsync());
    }

    // The recovery commands take no --ca-bundle (strata admin does, awscli does), so against `strata serve --tls`
    // with its generated CA they cannot connect unless the CA is trusted system-wide or through SSL_CERT_FILE.
    [Fact]
    [Trait("Regression", "recovery-commands-no-ca-bundle")]
    public async Task Undelete_trusts_the_servers_CA_given_with_ca_bundle_as_admin_does()
    {
        using var s3 = server.CreateClient();
        var bucket = await MfaBucketWithADeletedKeyAsync(s3);

        var result = await StrataCli.RunAsync(["undelete", $"s3://{bucket}/photos/", "--remove-markers", "--mfa", await FreshCodeAsync(),
            "--ca-bundle", server.Host.CaCertificatePath!, "--endpoint-url", server.Endpoint.ToString()], RootKeys());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var back = await s3.GetObjectAsync(bucket, "photos/a.jpg");
        Assert.Equal("the photo", await new StreamReader(back.ResponseStream).ReadToEndAsync());
    }
}

using System.Net;
using System.Net.Sockets;

namespace Strata.Cli.Tests;

/// <summary>
/// What a person sees when a client command cannot talk to the endpoint it was given: one or two plain lines
/// naming the cause and the fix, a documented exit code, never a stack trace. Every case runs for every client
/// command, against a real plain-HTTP server and a real HTTPS server.
/// </summary>
public sealed class ErrorMessages(StrataServer plain, StrataTlsServer tls) : IClassFixture<StrataServer>, IClassFixture<StrataTlsServer>
{
    private static readonly string EmptyFolder = Directory.CreateTempSubdirectory("strata-empty-static-").FullName;

    private static readonly string Sample = Path.Combine(FiguresFile.RepositoryRoot(), "samples", "Gallery", "strata.json");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var command in new[] { "versions", "diff", "undelete", "restore", "admin", "bench", "collectstatic", "apply", "doctor" })
        {
            foreach (var problem in new[] { "no-scheme", "refused", "untrusted-ca", "name-mismatch", "https-to-plain", "http-to-tls" }) data.Add(command, problem);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_client_command_that_cannot_reach_its_endpoint_says_why_in_plain_words(string command, string problem)
    {
        (string Endpoint, string? CaBundle, int ExitCode, string Phrase) expected = problem switch
        {
            "no-scheme" => ($"127.0.0.1:{plain.Endpoint.Port}", null, 2, "add http:// or https://"),
            "refused" => ($"http://127.0.0.1:{ClosedPort()}", null, 3, "Nothing listens at 127.0.0.1:"),
            "untrusted-ca" => ($"https://127.0.0.1:{tls.Endpoint.Port}", null, 3, "issued by a CA this machine does not trust"),
            // The generated certificate names localhost, 127.0.0.1 and ::1; the same address written as IPv4-mapped IPv6 is none of them.
            "name-mismatch" => ($"https://[::ffff:127.0.0.1]:{tls.Endpoint.Port}", tls.Host.CaCertificatePath, 3, "issued for other names than"),
            "https-to-plain" => ($"https://127.0.0.1:{plain.Endpoint.Port}", null, 3, "does not answer HTTPS"),
            "http-to-tls" => ($"http://127.0.0.1:{tls.Endpoint.Port}", null, 3, "speaks HTTPS, not plain HTTP"),
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };
        string[] args = command switch
        {
            "versions" => ["versions", "s3://photos/"],
            "diff" => ["diff", "s3://photos/", "--at", "-1h"],
            "undelete" => ["undelete", "s3://photos/"],
            "restore" => ["restore", "s3://photos/", "--at", "-1h"],
            "admin" => ["admin", "user", "list"],
            "bench" => ["bench", "--workload", "put", "--duration", "1s"],
            "collectstatic" => ["collectstatic", "--source", EmptyFolder, "--target", "s3://static/"],
            "apply" => ["apply", Sample],
            "doctor" => ["doctor", "--config", Sample],
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };
        args = [.. args, "--endpoint-url", expected.Endpoint, .. expected.CaBundle is { } ca ? new[] { "--ca-bundle", ca } : []];

        var result = await StrataCli.RunAsync(args, RootKeys());

        Assert.True(result.ExitCode == expected.ExitCode, result.ToString());
        Assert.Contains(expected.Phrase, result.Stderr);
        if (problem is "untrusted-ca" or "http-to-tls") Assert.Contains("--ca-bundle DATA/tls/ca.pem", result.Stderr);
        Assert.Equal("", result.Stdout);
        AssertPlain(result);
    }

    [Theory]
    [InlineData("versions")]
    [InlineData("admin")]
    [InlineData("bench")]
    public async Task A_certificate_that_expired_is_named_as_expired(string command)
    {
        var folder = Directory.CreateTempSubdirectory("strata-expired-").FullName;
        try
        {
            var (certPath, keyPath) = await ExpiredCertificateAsync(folder);
            await using var host = await Strata.Server.Hosting.StrataHost.StartAsync(new Strata.Server.Hosting.StrataServerOptions
            {
                DataDirectory = Path.Combine(folder, "data"),
                Listen = "127.0.0.1:0",
                RootAccessKey = StrataServer.AccessKey,
                RootSecretKey = StrataServer.SecretKey,
                Tls = true,
                TlsCertPath = certPath,
                TlsKeyPath = keyPath,
            }, TextWriter.Null);
            string[] args = command switch
            {
                "versions" => ["versions", "s3://photos/"],
                "admin" => ["admin", "user", "list"],
                _ => ["bench", "--workload", "put", "--duration", "1s"],
            };

            var result = await StrataCli.RunAsync([.. args, "--endpoint-url", host.Endpoint.ToString(), "--ca-bundle", certPath], RootKeys());

            Assert.True(result.ExitCode == 3, result.ToString());
            Assert.Contains("The server's TLS certificate is not trusted: it expired on", result.Stderr);
            AssertPlain(result);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A self-signed certificate for 127.0.0.1 that was valid from ten days ago until yesterday.</summary>
    private static async Task<(string CertPath, string KeyPath)> ExpiredCertificateAsync(string folder)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=expired", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        var names = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        await File.WriteAllTextAsync(certPath, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certPath, keyPath);
    }

    [Fact]
    public async Task Strata_alone_lists_the_commands_and_exits_2()
    {
        var result = await StrataCli.RunAsync([], new Dictionary<string, string>());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Commands:", result.Stdout);
        foreach (var command in new[] { "serve", "bench", "admin", "versions", "diff", "undelete", "restore", "collectstatic", "apply", "doctor", "backup", "restore-data" }) Assert.Matches($@"(?m)^  {command} ", result.Stdout);
        Assert.DoesNotContain("Required command was not provided", result.Stdout + result.Stderr);
        AssertPlain(result);
    }

    [Theory]
    [InlineData(new[] { "frob" }, "'frob' is not a command of `strata`", "undelete")]
    [InlineData(new[] { "admin" }, "Usage: strata admin <command>", "policy")]
    [InlineData(new[] { "admin", "frob" }, "'frob' is not a command of `strata admin`", "policy")]
    public async Task An_unknown_or_missing_command_lists_the_commands_there_are_and_exits_2(string[] args, string phrase, string listed)
    {
        var result = await StrataCli.RunAsync(args, new Dictionary<string, string>());

        Assert.Equal(2, result.ExitCode);
        var shown = result.Stdout + result.Stderr;
        Assert.Contains(phrase, shown);
        Assert.Matches($@"(?m)^  {listed} ", shown);
        Assert.DoesNotContain("Required command was not provided", shown);
        AssertPlain(result);
    }

    [Fact]
    public async Task An_endpoint_without_a_scheme_in_AWS_ENDPOINT_URL_is_named_with_its_source()
    {
        var result = await StrataCli.RunAsync(["versions", "s3://photos/"], new Dictionary<string, string>(RootKeys()) { ["AWS_ENDPOINT_URL"] = "localhost:9000" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("AWS_ENDPOINT_URL 'localhost:9000' has no scheme: add http:// or https://", result.Stderr);
        AssertPlain(result);
    }

    [Fact]
    public async Task A_ca_bundle_that_is_not_there_is_named()
    {
        var result = await StrataCli.RunAsync(["versions", "s3://photos/", "--endpoint-url", tls.Endpoint.ToString(), "--ca-bundle", "/nonexistent/ca.pem"], RootKeys());

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("The CA bundle '/nonexistent/ca.pem' cannot be read", result.Stderr);
        AssertPlain(result);
    }

    private static Dictionary<string, string> RootKeys() => new()
    {
        ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        ["STRATA_ROOT_ACCESS_KEY"] = StrataServer.AccessKey,
        ["STRATA_ROOT_SECRET_KEY"] = StrataServer.SecretKey,
    };

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when disposed: nothing listens there
    }

    /// <summary>At most two lines on stderr, and nothing of .NET's: no "   at " frames, no exception type names.</summary>
    private static void AssertPlain(CliResult result)
    {
        var shown = result.Stdout + result.Stderr;
        Assert.DoesNotContain("   at ", shown);
        Assert.DoesNotContain("Exception", shown);
        if (!result.Stderr.Contains("Commands:", StringComparison.Ordinal))
        {
            Assert.True(result.Stderr.TrimEnd('\n').Split('\n').Length <= 2, result.ToString());
        }
    }
}

using System.CommandLine;
using Amazon.S3;
using Strata.Client.Connection;
using Strata.Client.Recovery;

namespace Strata.Cli;

/// <summary>
/// The options every recovery command shares, spelled as awscli spells them, and the reading of targets and
/// times; a value that does not parse becomes a <see cref="FormatException"/> with a plain message (exit 2).
/// </summary>
internal sealed class RecoveryArguments
{
    public Argument<string> Target { get; } = new("target") { Description = "s3://bucket/prefix (a whole key for restore --version-id)" };
    public Option<string?> EndpointUrl { get; } = new("--endpoint-url") { Description = "S3 endpoint, e.g. http://127.0.0.1:9000 (path-style addressing; env AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL)" };
    public Option<string?> Profile { get; } = new("--profile") { Description = "Named profile from ~/.aws/credentials and ~/.aws/config (default: AWS_* environment variables, AWS_PROFILE, then the default profile)" };
    public Option<string?> Region { get; } = new("--region") { Description = "Signing region (default: the profile's, AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)" };
    public Option<string?> CaBundle { get; } = new("--ca-bundle") { Description = "CA certificate(s) (PEM) to trust for HTTPS, as awscli's --ca-bundle (env AWS_CA_BUNDLE); e.g. DATA/tls/ca.pem of `strata serve --tls`" };
    public Option<bool> Json { get; } = new("--json") { Description = "Write JSON for scripts on stdout (progress and errors still go to stderr)" };
    public Option<int> Concurrency { get; } = new("--concurrency") { Description = "Server-side copies, deletes or downloads in flight at once", DefaultValueFactory = _ => RecoveryOptions.DefaultConcurrency };

    public void AddConnection(Command command)
    {
        command.Add(Target);
        command.Add(EndpointUrl);
        command.Add(Profile);
        command.Add(Region);
        command.Add(CaBundle);
        command.Add(Json);
    }

    public S3Uri ParseTarget(ParseResult parse) => S3Uri.Parse(parse.GetValue(Target) ?? "");

    public static DateTimeOffset? ParseTime(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text ? TimeExpression.Parse(text, DateTimeOffset.UtcNow) : null;

    public AmazonS3Client CreateClient(ParseResult parse) => S3Connection.Create(new S3ConnectionOptions
    {
        EndpointUrl = parse.GetValue(EndpointUrl) ?? Env("AWS_ENDPOINT_URL_S3") ?? Env("AWS_ENDPOINT_URL"),
        Profile = parse.GetValue(Profile),
        Region = parse.GetValue(Region),
        CaBundle = parse.GetValue(CaBundle) ?? Env("AWS_CA_BUNDLE"),
    });

    public RecoveryOptions Options(ParseResult parse)
    {
        var concurrency = parse.GetValue(Concurrency);
        if (concurrency is < 1 or > 1024) throw new FormatException("--concurrency takes a number from 1 to 1024.");
        return new RecoveryOptions { Concurrency = concurrency };
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

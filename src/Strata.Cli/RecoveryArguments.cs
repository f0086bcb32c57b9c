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
    public EndpointOptions Connection { get; } = new();
    public Option<bool> Json { get; } = new("--json") { Description = "Write JSON for scripts on stdout (progress and errors still go to stderr)" };
    public Option<int> Concurrency { get; } = new("--concurrency") { Description = "Server-side copies, deletes or downloads in flight at once", DefaultValueFactory = _ => RecoveryOptions.DefaultConcurrency };

    public void AddConnection(Command command)
    {
        command.Add(Target);
        Connection.AddTo(command);
        command.Add(Json);
    }

    public S3Uri ParseTarget(ParseResult parse) => S3Uri.Parse(parse.GetValue(Target) ?? "");

    public static DateTimeOffset? ParseTime(ParseResult parse, Option<string?> option) =>
        parse.GetValue(option) is { } text ? TimeExpression.Parse(text, DateTimeOffset.UtcNow) : null;

    public AmazonS3Client CreateClient(ParseResult parse) => Connection.CreateClient(parse);

    public RecoveryOptions Options(ParseResult parse)
    {
        var concurrency = parse.GetValue(Concurrency);
        if (concurrency is < 1 or > 1024) throw new FormatException("--concurrency takes a number from 1 to 1024.");
        return new RecoveryOptions { Concurrency = concurrency };
    }
}

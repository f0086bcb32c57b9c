using System.CommandLine;
using Strata.Cli.Admin;
using Strata.Client.Connection;

namespace Strata.Cli;

/// <summary>
/// `strata replicate s3://bucket [--rule ID]`: queues what the bucket already holds for its replication rules (as S3
/// Batch Replication does), through the admin API. Idempotent: what was queued or sent before is not queued again.
/// </summary>
internal static class ReplicateCommand
{
    private static readonly EndpointOptions Connection = new("http://127.0.0.1:9000");
    private static readonly Option<bool> Json = new("--json") { Description = "Print the server's JSON" };

    public static Command Create()
    {
        var command = new Command("replicate", "Queue a bucket's existing versions and delete markers for its replication rules (as the root user)");
        var target = new Argument<string>("target") { Description = "s3://BUCKET" };
        var rule = new Option<string?>("--rule") { Description = "Only this rule (its ID); default: each version's matching rule" };
        command.Arguments.Add(target);
        command.Options.Add(rule);
        command.Options.Add(Json);
        Connection.AddTo(command);
        command.SetAction((parse, _) => AdminCommand.RunAsync(parse, Connection, Json, (p, c) =>
        {
            var uri = S3Uri.Parse(p.GetValue(target)!);
            if (uri.Prefix.Length > 0) throw new FormatException("strata replicate takes a whole bucket: s3://BUCKET (a rule's filter chooses the keys).");
            c.Timeout = Timeout.InfiniteTimeSpan; // a large bucket takes a while; Ctrl-C stops waiting
            var ruleId = p.GetValue(rule);
            return c.SendAsync(HttpMethod.Post, $"replication/{uri.Bucket}/queue", ruleId is null ? null : [("rule", ruleId)]);
        }));
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using Strata.Core;

namespace Strata.Cli.Admin;

/// <summary>`strata admin lifecycle run [BUCKET]` and `strata admin lifecycle status BUCKET`.</summary>
internal static class LifecycleCommands
{
    public static Command Create(Func<string, string, Symbol[], Func<ParseResult, AdminClient, Task<JsonDocument?>>, Command> leaf)
    {
        var lifecycle = new Command("lifecycle", "Lifecycle rules: apply them now, or show a bucket's rules and its last run");
        var optionalBucket = new Argument<string?>("bucket") { Description = "Only this bucket (default: every bucket with rules)", Arity = ArgumentArity.ZeroOrOne };
        lifecycle.Subcommands.Add(leaf("run", "Apply the lifecycle rules now and wait for the run; prints each bucket's figures", [optionalBucket], (p, c) =>
        {
            var bucket = Bucket(p.GetValue(optionalBucket));
            c.Timeout = Timeout.InfiniteTimeSpan; // the answer comes when the pass is done; Ctrl-C stops waiting
            return c.SendAsync(HttpMethod.Post, "lifecycle/run", bucket is null ? null : [("bucket", bucket)]);
        }));
        var bucket = new Argument<string>("bucket");
        lifecycle.Subcommands.Add(leaf("status", "Show a bucket's lifecycle rules, its last run (versions examined, removed, bytes freed) and the next",
            [bucket], (p, c) => c.SendAsync(HttpMethod.Get, "lifecycle/" + Bucket(p.GetValue(bucket)))));
        return lifecycle;
    }

    // A malformed name is a usage error (exit 2), said before anything is sent.
    private static string? Bucket(string? name) =>
        name is null || BucketName.TryParse(name, out _) ? name : throw new FormatException($"'{name}' is not a valid bucket name.");
}

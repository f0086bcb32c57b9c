using System.CommandLine;
using System.Text.Json;
using Strata.Core;

namespace Strata.Cli.Admin;

/// <summary>
/// `strata admin scrub [BUCKET] [--last] [--json]`: re-reads every stored body (of one bucket) against its checksum and lists
/// each damaged or missing one by bucket, key and version id. Exit 0 when all are sound, 1 when any is damaged or missing.
/// </summary>
internal static class ScrubCommand
{
    public static Command Create(Func<string, string, Symbol[], Func<ParseResult, AdminClient, Task<JsonDocument?>>, Func<JsonDocument?, int>?, Command> leaf)
    {
        var bucket = new Argument<string?>("bucket") { Description = "Only this bucket (default: every bucket)", Arity = ArgumentArity.ZeroOrOne };
        var last = new Option<bool>("--last") { Description = "Show what the last scrub (and GETs since) found, without reading anything" };
        return leaf("scrub", "Re-read every stored body against the checksum kept since it was written; list damaged or missing ones (exit 1 if any)",
            [bucket, last], (p, c) =>
            {
                var name = p.GetValue(bucket);
                // A malformed name is a usage error (exit 2), said before anything is sent.
                if (name is not null && !BucketName.TryParse(name, out _)) throw new FormatException($"'{name}' is not a valid bucket name.");
                (string, string)[]? query = name is null ? null : [("bucket", name)];
                if (p.GetValue(last)) return c.SendAsync(HttpMethod.Get, "scrub", query);
                c.Timeout = Timeout.InfiniteTimeSpan; // the answer comes when every body was read; Ctrl-C stops waiting
                return c.SendAsync(HttpMethod.Post, "scrub", query);
            }, Damaged);
    }

    private static int Damaged(JsonDocument? answer)
    {
        if (answer?.RootElement.TryGetProperty("findings", out var findings) != true || findings.GetArrayLength() == 0) return CommandErrors.Ok;
        Console.Error.WriteLine($"strata: {findings.GetArrayLength()} stored bod{(findings.GetArrayLength() == 1 ? "y is" : "ies are")} damaged or missing; GETs of them answer InternalError. Restore them from a backup or another copy.");
        return CommandErrors.SomeFailed;
    }
}

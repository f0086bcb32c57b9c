using System.CommandLine;
using System.Text.Json;
using Strata.Core;

namespace Strata.Cli.Admin;

/// <summary>`strata admin stats [BUCKET]`: what each bucket holds and what versioning costs, for people without Prometheus.</summary>
internal static class StatsCommand
{
    public static Command Create(Func<string, string, Symbol[], Func<ParseResult, AdminClient, Task<JsonDocument?>>, Command> leaf)
    {
        var bucket = new Argument<string?>("bucket") { Description = "Only this bucket (default: every bucket, and the blob store's totals)", Arity = ArgumentArity.ZeroOrOne };
        return leaf("stats", "Each bucket's objects, versions, delete markers, current and noncurrent bytes and open multipart uploads", [bucket], (p, c) =>
        {
            var name = p.GetValue(bucket);
            // A malformed name is a usage error (exit 2), said before anything is sent.
            if (name is not null && !BucketName.TryParse(name, out _)) throw new FormatException($"'{name}' is not a valid bucket name.");
            return c.SendAsync(HttpMethod.Get, "stats", name is null ? null : [("bucket", name)]);
        });
    }
}

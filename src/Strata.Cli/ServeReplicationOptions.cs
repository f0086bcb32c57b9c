using System.CommandLine;
using Strata.Server.Hosting;

namespace Strata.Cli;

/// <summary>`strata serve --replication-concurrency N --replication-retry-max DURATION` (env STRATA_REPLICATION_*).</summary>
internal sealed class ServeReplicationOptions
{
    public Option<int?> Concurrency { get; } = new("--replication-concurrency")
    {
        Description = "Sends the replicator keeps in flight, each of a different key; a key's versions always go in commit order (default 16; env STRATA_REPLICATION_CONCURRENCY)",
    };

    public Option<string?> RetryMax { get; } = new("--replication-retry-max")
    {
        Description = "Longest wait between two attempts of a failing replication, e.g. 5m, 30s (default 5m; env STRATA_REPLICATION_RETRY_MAX)",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Concurrency);
        command.Options.Add(RetryMax);
    }

    /// <summary>Sets the options' values; a message for the person when one is not a count or a duration (a usage error).</summary>
    public string? Apply(ParseResult parse, StrataServerOptions options)
    {
        var concurrency = parse.GetValue(Concurrency) ?? options.ReplicationConcurrency;
        if (concurrency < 1) return "--replication-concurrency (STRATA_REPLICATION_CONCURRENCY) must be a whole number, 1 or more.";
        options.ReplicationConcurrency = concurrency;
        var retry = parse.GetValue(RetryMax);
        if (retry is null) return null;
        if (!Strata.Bench.Units.DurationText.TryParse(retry, out var wait) || wait <= TimeSpan.Zero)
        {
            return $"--replication-retry-max (STRATA_REPLICATION_RETRY_MAX) must be a duration such as 5m or 30s; got '{retry}'.";
        }
        options.ReplicationRetryMax = wait;
        return null;
    }
}

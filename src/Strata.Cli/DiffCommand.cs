using System.CommandLine;
using System.Text.Json;
using Strata.Client.Connection;
using Strata.Client.History;

namespace Strata.Cli;

/// <summary>`strata diff s3://b/prefix --at TIME`: keys added, modified (with both versions) and deleted since TIME.</summary>
internal static class DiffCommand
{
    public static Command Create()
    {
        var args = new RecoveryArguments();
        var at = new Option<string?>("--at") { Description = $"The point in time to compare with ({TimeHelp.Forms})", Required = true };
        var command = new Command("diff", "Show what changed under a prefix since a point in time: keys added, modified and deleted.") { at };
        args.AddConnection(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var target = args.ParseTarget(parse);
            var time = RecoveryArguments.ParseTime(parse, at)!.Value;
            using var s3 = args.CreateClient(parse);
            var changes = await Streams.StartAsync(HistoryDiff.DiffAsync(s3, target.Bucket, target.Prefix, time, cancellationToken), cancellationToken);
            if (parse.GetValue(args.Json)) await WriteJsonAsync(target, time, changes);
            else await WriteTextAsync(target, time, changes);
            return CommandErrors.Ok;
        }, args.Connection));
        return command;
    }

    private static async Task WriteTextAsync(S3Uri target, DateTimeOffset time, IAsyncEnumerable<KeyChange> changes)
    {
        var o = Console.Out;
        o.WriteLine($"Changes under {target} since {TimeExpression.Format(time)}:");
        long added = 0, modified = 0, deleted = 0;
        await foreach (var change in changes)
        {
            switch (change.Kind)
            {
                case ChangeKind.Added:
                    added++;
                    o.WriteLine($"  + added     {change.Key}  (now {change.Now!.VersionId}, {Formats.Bytes(change.Now.Size)})");
                    break;
                case ChangeKind.Modified:
                    modified++;
                    o.WriteLine($"  ~ modified  {change.Key}  ({change.Then!.VersionId} -> {change.Now!.VersionId}, {Formats.Bytes(change.Then.Size)} -> {Formats.Bytes(change.Now.Size)})");
                    break;
                case ChangeKind.Deleted:
                    deleted++;
                    o.WriteLine($"  - deleted   {change.Key}  (was {change.Then!.VersionId}, {Formats.Bytes(change.Then.Size)})");
                    break;
            }
        }
        o.WriteLine(added + modified + deleted == 0
            ? "  nothing changed"
            : $"{Formats.Count(added + modified + deleted)} changed: {Formats.Count(added)} added, {Formats.Count(modified)} modified, {Formats.Count(deleted)} deleted.");
    }

    private static async Task WriteJsonAsync(S3Uri target, DateTimeOffset time, IAsyncEnumerable<KeyChange> changes)
    {
        await using var stdout = Console.OpenStandardOutput();
        await using var json = new Utf8JsonWriter(stdout, Formats.JsonOutput);
        json.WriteStartObject();
        json.WriteString("bucket", target.Bucket);
        json.WriteString("prefix", target.Prefix);
        json.WriteString("at", TimeExpression.Format(time));
        json.WriteStartArray("changes");
        long added = 0, modified = 0, deleted = 0;
        await foreach (var change in changes)
        {
            _ = change.Kind switch { ChangeKind.Added => added++, ChangeKind.Modified => modified++, _ => deleted++ };
            json.WriteStartObject();
            json.WriteString("key", change.Key);
            json.WriteString("change", change.Kind.ToString().ToLowerInvariant());
            json.WritePropertyName("then");
            if (change.Then is null) json.WriteNullValue();
            else VersionsCommand.WriteVersion(json, change.Then);
            json.WritePropertyName("now");
            if (change.Now is null) json.WriteNullValue();
            else VersionsCommand.WriteVersion(json, change.Now);
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024) await json.FlushAsync();
        }
        json.WriteEndArray();
        json.WriteNumber("added", added);
        json.WriteNumber("modified", modified);
        json.WriteNumber("deleted", deleted);
        json.WriteEndObject();
        await json.FlushAsync();
        await stdout.WriteAsync("\n"u8.ToArray());
    }
}

using System.CommandLine;
using System.Text.Json;
using Strata.Client.Connection;
using Strata.Client.History;

namespace Strata.Cli;

/// <summary>`strata versions s3://b/prefix`: the version history grouped by key, newest first, streamed as it is listed.</summary>
internal static class VersionsCommand
{
    public static Command Create()
    {
        var args = new RecoveryArguments();
        var since = new Option<string?>("--since") { Description = $"Only versions created at or after TIME ({TimeHelp.Forms})" };
        var until = new Option<string?>("--until") { Description = $"Only versions created at or before TIME ({TimeHelp.Forms})" };
        var command = new Command("versions", "Show the version history under a prefix: every version and delete marker, by key, newest first.") { since, until };
        args.AddConnection(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var target = args.ParseTarget(parse);
            var from = RecoveryArguments.ParseTime(parse, since) ?? DateTimeOffset.MinValue;
            var to = RecoveryArguments.ParseTime(parse, until) ?? DateTimeOffset.MaxValue;
            using var s3 = args.CreateClient(parse);
            var histories = await Streams.StartAsync(Filtered(VersionWalker.WalkAsync(s3, target.Bucket, target.Prefix, cancellationToken: cancellationToken), from, to), cancellationToken);
            if (parse.GetValue(args.Json)) await WriteJsonAsync(target, histories);
            else await WriteTableAsync(target, histories);
            return CommandErrors.Ok;
        }, args.Connection));
        return command;
    }

    private static async IAsyncEnumerable<KeyHistory> Filtered(IAsyncEnumerable<KeyHistory> histories, DateTimeOffset from, DateTimeOffset to)
    {
        await foreach (var history in histories)
        {
            var kept = history.Versions.Where(v => v.LastModified >= from && v.LastModified <= to).ToList();
            if (kept.Count > 0) yield return history with { Versions = kept };
        }
    }

    private static async Task WriteTableAsync(S3Uri target, IAsyncEnumerable<KeyHistory> histories)
    {
        var o = Console.Out;
        long keys = 0, versions = 0, markers = 0;
        await foreach (var history in histories)
        {
            keys++;
            o.WriteLine(history.Key);
            foreach (var v in history.Versions)
            {
                versions++;
                if (v.IsDeleteMarker) markers++;
                var what = v.IsDeleteMarker ? "delete marker" : $"{Formats.Bytes(v.Size),10}  {v.ETag}";
                o.WriteLine($"  {TimeExpression.Format(v.LastModified)}  {v.VersionId,-34}  {(v.IsLatest ? "latest" : ""),-6}  {what}");
            }
        }
        o.WriteLine(keys == 0
            ? $"No versions under {target}."
            : $"{Formats.Count(keys, "key")}, {Formats.Count(versions, "version")} ({Formats.Count(markers, "delete marker")}) under {target}.");
    }

    private static async Task WriteJsonAsync(S3Uri target, IAsyncEnumerable<KeyHistory> histories)
    {
        // Written as it streams: a listing of any size never sits in memory.
        await using var stdout = Console.OpenStandardOutput();
        await using var json = new Utf8JsonWriter(stdout, Formats.JsonOutput);
        json.WriteStartObject();
        json.WriteString("bucket", target.Bucket);
        json.WriteString("prefix", target.Prefix);
        json.WriteStartArray("keys");
        await foreach (var history in histories)
        {
            json.WriteStartObject();
            json.WriteString("key", history.Key);
            json.WriteStartArray("versions");
            foreach (var v in history.Versions) WriteVersion(json, v);
            json.WriteEndArray();
            json.WriteEndObject();
            if (json.BytesPending > 64 * 1024) await json.FlushAsync();
        }
        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync();
        await stdout.WriteAsync("\n"u8.ToArray());
    }

    public static void WriteVersion(Utf8JsonWriter json, ObjectVersionInfo v)
    {
        json.WriteStartObject();
        json.WriteString("versionId", v.VersionId);
        json.WriteString("lastModified", TimeExpression.Format(v.LastModified));
        json.WriteNumber("size", v.Size);
        if (v.ETag is null) json.WriteNull("etag");
        else json.WriteString("etag", v.ETag);
        json.WriteBoolean("isLatest", v.IsLatest);
        json.WriteBoolean("isDeleteMarker", v.IsDeleteMarker);
        json.WriteEndObject();
    }
}

using System.CommandLine;
using System.Text.Json;

namespace Strata.Cli.Admin;

/// <summary>`strata admin backup DEST_DIR`: the server backs itself up into DEST_DIR on its own machine while it serves.</summary>
internal static class BackupLeaf
{
    public static Command Create(Func<string, string, Symbol[], Func<ParseResult, AdminClient, Task<JsonDocument?>>, Func<JsonDocument?, int>?, Command> leaf)
    {
        var destination = new Argument<string>("DEST_DIR")
        {
            Description = "A directory on the server's machine, outside its data directory: new or empty, or an earlier backup to bring up to date",
        };
        var copy = new Option<bool>("--copy") { Description = "Copy blob files even where hard links are possible (hard links share the data directory's disk)" };
        return leaf("backup", "Back up the running server (metadata snapshot, blobs, keys) into DEST_DIR on its machine; incremental on a second run",
            [destination, copy], (p, c) =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan; // the answer comes when the backup is committed; Ctrl-C stops it
                // A relative path means the caller's working directory, which the server does not know.
                var destinationPath = Path.GetFullPath(p.GetValue(destination)!);
                return c.SendAsync(HttpMethod.Post, "backup", p.GetValue(copy) ? [("destination", destinationPath), ("copy", "true")] : [("destination", destinationPath)]);
            }, ExitCode);
    }

    /// <summary>1 when the backup had to leave out blob files the metadata names (each named on stderr), as `strata backup` does.</summary>
    private static int ExitCode(JsonDocument? answer)
    {
        if (answer is null || !answer.RootElement.TryGetProperty("missingBlobs", out var missing)) return CommandErrors.Ok;
        return BackupOutput.ReportMissing([.. missing.EnumerateArray().Select(blob => blob.GetProperty("blobId").GetString() ?? "")]) ? CommandErrors.SomeFailed : CommandErrors.Ok;
    }
}

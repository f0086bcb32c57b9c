using System.CommandLine;
using Strata.Engine;
using Strata.Engine.Backup;

namespace Strata.Cli;

/// <summary>
/// `strata backup --data DIR DEST_DIR`: backs up a data directory no server holds (it takes the same lock `strata serve`
/// takes, and refuses while a server has it: `strata admin backup DEST_DIR` is the online way). A second run into the same
/// DEST_DIR is incremental. Exit 0 done, 1 a server holds the directory or some blobs were missing, 2 wrong arguments,
/// 3 nothing could be done, 130 interrupted (the previous backup in DEST_DIR stays whole).
/// </summary>
internal static class BackupCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The data directory to back up (no server may be running on it)", Required = true };
        var destination = new Argument<string>("DEST_DIR") { Description = "Where the backup goes: a new or empty directory, or an earlier backup to bring up to date" };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var copy = new Option<bool>("--copy") { Description = "Copy blob files even where hard links are possible (hard links share the data directory's disk)" };
        var command = new Command("backup", "Back up a stopped server's data directory into DEST_DIR (incremental on a second run); `strata admin backup` backs up a running one")
        {
            data, destination, json, copy,
        };
        command.SetAction((parse, cancellationToken) =>
            Task.FromResult(Run(parse.GetValue(data)!, parse.GetValue(destination)!, parse.GetValue(json), parse.GetValue(copy), cancellationToken)));
        return command;
    }

    private static int Run(string dataDirectory, string destination, bool json, bool copy, CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(dataDirectory);
        var dest = Path.GetFullPath(destination);
        // Acquire would create a missing directory; a backup only makes sense of one a server has written.
        if (!File.Exists(Path.Combine(directory, "metadata.db")))
        {
            return Fail(CommandErrors.Refused, $"{directory} is not a Strata data directory (it has no metadata.db); nothing was backed up.");
        }
        BackupReport report;
        try
        {
            StorageEngine.CheckBackupDestination(directory, dest);
            using var held = DataDirectoryLock.Acquire(directory);
            report = StorageEngine.BackupOffline(held, dest, copy, cancellationToken);
        }
        catch (DataDirectoryRefusedException refused)
        {
            Console.Error.WriteLine($"strata: {refused.Message}");
            return Fail(CommandErrors.StartRefused, "a server is running on it: back it up with `strata admin backup DEST_DIR`, or stop it first.");
        }
        catch (BackupRefusedException refused)
        {
            return Fail(refused.Usage ? CommandErrors.Usage : CommandErrors.Refused, refused.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(CommandErrors.Interrupted, $"Interrupted. The previous backup in {dest}, if any, is unchanged; run the command again to finish.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(CommandErrors.Refused, $"The backup into {dest} failed: {e.Message} The previous backup there, if any, is unchanged.");
        }
        BackupOutput.Write(w => BackupReportJson.Write(w, report), json);
        return BackupOutput.ReportMissing(report.MissingBlobs) ? CommandErrors.SomeFailed : CommandErrors.Ok;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"strata: {message}");
        return code;
    }
}

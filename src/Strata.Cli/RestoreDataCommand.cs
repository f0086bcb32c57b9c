using System.CommandLine;
using Strata.Engine;
using Strata.Engine.Backup;

namespace Strata.Cli;

/// <summary>
/// `strata restore-data BACKUP_DIR --data NEW_DIR`: rebuilds a data directory from a backup, checking every file against
/// the manifest's SHA-256 on the way; a damaged backup or a non-empty NEW_DIR is refused and nothing is left behind.
/// Exit 0 done, 1 a server holds NEW_DIR, 3 nothing could be done, 130 interrupted (nothing is left behind).
/// </summary>
internal static class RestoreDataCommand
{
    public static Command Create()
    {
        var backup = new Argument<string>("BACKUP_DIR") { Description = "A backup made by `strata backup` or `strata admin backup`" };
        var data = new Option<string>("--data") { Description = "The data directory to create: new or empty", Required = true };
        var json = new Option<bool>("--json") { Description = "Print the figures as JSON" };
        var command = new Command("restore-data", "Rebuild a data directory from a backup (every file checked against its manifest); then `strata serve --data NEW_DIR`")
        {
            backup, data, json,
        };
        command.SetAction((parse, cancellationToken) =>
            Task.FromResult(Run(parse.GetValue(backup)!, parse.GetValue(data)!, parse.GetValue(json), cancellationToken)));
        return command;
    }

    private static int Run(string backupDirectory, string dataDirectory, bool json, CancellationToken cancellationToken)
    {
        RestoreReport report;
        try
        {
            report = DataRestore.Run(backupDirectory, dataDirectory, cancellationToken);
        }
        catch (BackupRefusedException refused)
        {
            return Fail(CommandErrors.Refused, refused.Message);
        }
        catch (DataDirectoryRefusedException refused)
        {
            return Fail(CommandErrors.StartRefused, refused.Message);
        }
        catch (OperationCanceledException)
        {
            return Fail(CommandErrors.Interrupted, "Interrupted; what was restored so far was removed.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail(CommandErrors.Refused, $"The restore failed: {e.Message} What was restored so far was removed.");
        }
        BackupOutput.Write(w => BackupReportJson.Write(w, report), json);
        Console.Error.WriteLine($"strata: start it with `strata serve --data {report.DataDirectory}`.");
        return CommandErrors.Ok;
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"strata: {message}");
        return code;
    }
}

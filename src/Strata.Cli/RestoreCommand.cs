using System.CommandLine;
using Strata.Client.Connection;
using Strata.Client.Recovery;

namespace Strata.Cli;

/// <summary>
/// `strata restore s3://b/key --version-id ID` makes one version the latest again;
/// `strata restore s3://b/prefix --at TIME [--to s3://… | --to-dir DIR]` restores a prefix to a point in time.
/// </summary>
internal static class RestoreCommand
{
    public static Command Create()
    {
        var args = new RecoveryArguments();
        var versionId = new Option<string?>("--version-id") { Description = "Make this version of the key the latest again (server-side copy; content type and metadata kept)" };
        var at = new Option<string?>("--at") { Description = $"Restore every key under the prefix to its state at TIME ({TimeHelp.Forms})" };
        var to = new Option<string?>("--to") { Description = "Write the snapshot to s3://other-bucket/prefix instead of in place" };
        var toDir = new Option<string?>("--to-dir") { Description = "Download the snapshot to a local folder instead of in place" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan (which keys, what is done to each, counts and bytes) and change nothing" };
        var command = new Command("restore", "Make a version the latest again, or restore a whole prefix to a point in time (in place, to another prefix, or to a folder).")
        {
            versionId, at, to, toDir, dryRun, args.Concurrency,
        };
        args.AddConnection(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var target = args.ParseTarget(parse);
            var options = args.Options(parse);
            var id = parse.GetValue(versionId);
            var time = RecoveryArguments.ParseTime(parse, at);
            var toBucket = parse.GetValue(to);
            var toFolder = parse.GetValue(toDir);
            if (id is null == time is null) throw new FormatException("Give either --version-id ID (one key) or --at TIME (a whole prefix).");
            if (toBucket is not null && toFolder is not null) throw new FormatException("Give --to or --to-dir, not both.");
            using var s3 = args.CreateClient(parse);
            RecoveryJob job;
            string description;
            if (id is not null)
            {
                if (toBucket is not null || toFolder is not null) throw new FormatException("--to and --to-dir go with --at; --version-id restores in place.");
                if (target.Prefix.Length == 0) throw new FormatException("--version-id needs a whole key: s3://bucket/key.");
                job = new VersionRestoreJob(s3, target.Bucket, target.Prefix, id, options);
                description = $"make version {id} of {target} the latest again";
            }
            else
            {
                RestoreDestination destination = toBucket is not null ? new RestoreDestination.Bucket(S3Uri.Parse(toBucket))
                    : toFolder is not null ? new RestoreDestination.Folder(toFolder)
                    : new RestoreDestination.InPlace();
                job = new PointInTimeRestoreJob(s3, target, time!.Value, destination, options);
                var where = destination switch
                {
                    RestoreDestination.Bucket b => $"into {b.Target}",
                    RestoreDestination.Folder f => $"into folder {Path.GetFullPath(f.Path)}",
                    _ => "in place",
                };
                description = $"restore {target} to its state at {TimeExpression.Format(time.Value)}, {where}";
            }
            return await RecoveryOutput.RunAsync(job, "restore", description, parse.GetValue(dryRun), parse.GetValue(args.Json), cancellationToken);
        }, args.Connection));
        return command;
    }
}

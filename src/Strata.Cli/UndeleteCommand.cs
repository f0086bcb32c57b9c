using System.CommandLine;
using Strata.Client.Connection;
using Strata.Client.Recovery;

namespace Strata.Cli;

/// <summary>`strata undelete s3://b/prefix`: brings back every key whose latest version is a delete marker.</summary>
internal static class UndeleteCommand
{
    public static Command Create()
    {
        var args = new RecoveryArguments();
        var since = new Option<string?>("--since") { Description = $"Only keys whose delete marker was created at or after TIME ({TimeHelp.Forms})" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan (which keys, what is done to each, counts and bytes) and change nothing" };
        var removeMarkers = new Option<bool>("--remove-markers") { Description = "Delete the delete markers instead of copying the newest version back (needs s3:DeleteObjectVersion)" };
        var mfa = new Option<string?>("--mfa") { Description = "\"SERIAL CODE\" of the MFA device, for --remove-markers on a bucket with MFA Delete" };
        var command = new Command("undelete", "Bring back every deleted key under a prefix. By default the newest version is copied back on top (server-side), which destroys nothing.")
        {
            since, dryRun, removeMarkers, mfa, args.Concurrency,
        };
        args.AddConnection(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var target = args.ParseTarget(parse);
            var from = RecoveryArguments.ParseTime(parse, since);
            var options = args.Options(parse);
            if (parse.GetValue(mfa) is { } codes)
            {
                if (!parse.GetValue(removeMarkers)) throw new FormatException("--mfa is only needed with --remove-markers: undelete by copy removes nothing.");
                options = options with { Mfa = RecoveryOptions.ParseMfa(codes) };
            }
            using var s3 = args.CreateClient(parse);
            var job = new UndeleteJob(s3, target.Bucket, target.Prefix, options) { Since = from, RemoveMarkers = parse.GetValue(removeMarkers) };
            var how = parse.GetValue(removeMarkers) ? "by removing their delete markers" : "by copying the newest version back on top";
            var description = $"undelete keys under {target}{(from is { } f ? $" deleted since {TimeExpression.Format(f)}" : "")} {how}";
            return await RecoveryOutput.RunAsync(job, "undelete", description, parse.GetValue(dryRun), parse.GetValue(args.Json), cancellationToken);
        }, args.Connection));
        return command;
    }
}

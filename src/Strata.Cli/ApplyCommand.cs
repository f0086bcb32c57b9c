using System.CommandLine;
using Strata.Client.Recovery;
using Strata.Client.Setup;

namespace Strata.Cli;

/// <summary>
/// `strata apply strata.json [--dry-run] [--mfa "SERIAL CODE"]`: makes the buckets match the file. Prints the plan
/// first, then makes the changes in order; a second run finds nothing to change. Exit 0 done (or nothing to do),
/// 1 when something the file asks for cannot be done (listed), 2 a wrong command line or file, 3 a refused request.
/// </summary>
internal static class ApplyCommand
{
    public static Command Create()
    {
        var connection = new EndpointOptions();
        var file = new Argument<string>("file") { Description = "The set-up file (docs/SETUP.md), e.g. strata.json" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the plan and change nothing" };
        var mfa = new Option<string?>("--mfa") { Description = "\"SERIAL CODE\" of the root's MFA device, to turn on MFA Delete" };
        var command = new Command("apply", "Create and configure the buckets a strata.json describes: versioning, lifecycle, public access; prints the plan first.")
        {
            file, dryRun, mfa,
        };
        connection.AddTo(command);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var setup = SetupFile.Load(parse.GetValue(file)!);
            var codes = parse.GetValue(mfa) is { } text ? RecoveryOptions.ParseMfa(text) : null;
            var options = connection.Resolve(parse);
            using var s3 = Strata.Client.Connection.S3Connection.Create(options);
            var buckets = await new SetupPlanner(s3, codes).PlanAsync(setup, cancellationToken);
            var changes = buckets.Changes.ToList();
            var blocked = buckets.Blocked.ToList();
            using var admin = await Admin.AppUserPlanner.PlanAsync(setup, connection, options, changes, blocked, cancellationToken);
            var plan = new SetupPlan(changes, blocked);
            var o = Console.Out;
            foreach (var reason in plan.Blocked) o.WriteLine($"Cannot: {reason}");
            if (plan.Changes.Count == 0)
            {
                o.WriteLine(plan.Blocked.Count == 0 ? "No changes: the buckets match the file." : "No changes to make; the above remains to be done by hand.");
                return plan.Blocked.Count == 0 ? CommandErrors.Ok : CommandErrors.SomeFailed;
            }
            o.WriteLine($"Plan: {Formats.Count(plan.Changes.Count, "change")}");
            foreach (var change in plan.Changes) o.WriteLine($"  {change.Bucket}: {change.Description}");
            if (parse.GetValue(dryRun))
            {
                o.WriteLine("Dry run: nothing changed.");
                return plan.Blocked.Count == 0 ? CommandErrors.Ok : CommandErrors.SomeFailed;
            }
            foreach (var change in plan.Changes)
            {
                // One at a time, in order: the bucket exists before its settings, Block Public Access is relaxed
                // before a public policy. A refusal stops here (exit 3); running apply again picks up from it.
                await change.Run(cancellationToken);
                o.WriteLine($"  done  {change.Bucket}: {change.Description}");
            }
            o.WriteLine($"Applied {Formats.Count(plan.Changes.Count, "change")}.");
            if (setup.AppUser is { } user && plan.Changes.Any(c => c.Bucket == $"user {user.Name}"))
            {
                o.WriteLine($"The application's key: strata admin key create {user.Name} (the secret is shown once).");
            }
            return plan.Blocked.Count == 0 ? CommandErrors.Ok : CommandErrors.SomeFailed;
        }, connection));
        return command;
    }
}

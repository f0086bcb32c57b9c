using System.CommandLine;

namespace Strata.Cli.Admin;

/// <summary>
/// `strata admin public-access-block get|set|delete`: the Block Public Access settings every bucket created from now
/// on starts with (existing buckets keep theirs). See docs/ADMIN-API.md.
/// </summary>
internal static class PublicAccessBlockCommand
{
    private static readonly (string Option, string Query, string Description)[] Settings =
    [
        ("--block-public-acls", "blockPublicAcls", "Refuse public ACLs on writes (403)"),
        ("--ignore-public-acls", "ignorePublicAcls", "Ignore grants to AllUsers and AuthenticatedUsers"),
        ("--block-public-policy", "blockPublicPolicy", "Refuse a public bucket policy (403)"),
        ("--restrict-public-buckets", "restrictPublicBuckets", "While a bucket's policy is public, only the account's own users get access"),
    ];

    public static Command Create()
    {
        var command = new Command("public-access-block", "The Block Public Access default for new buckets");
        command.Subcommands.Add(AdminCommand.Leaf("get", "Show the default", [], (_, c) => c.SendAsync(HttpMethod.Get, "public-access-block")));

        var flags = Settings.Select(s => new Option<bool>(s.Option) { Description = s.Description }).ToArray();
        var all = new Option<bool>("--all") { Description = "All four settings on, as S3 sets new buckets" };
        command.Subcommands.Add(AdminCommand.Leaf("set", "Set the default: the settings named are on, the others off", [.. flags, all], (p, c) =>
        {
            var everything = p.GetValue(all);
            if (!everything && !flags.Any(f => p.GetValue(f)))
            {
                throw new FormatException("Name the settings to turn on (" + string.Join(", ", Settings.Select(s => s.Option))
                    + ") or --all; `strata admin public-access-block delete` removes the default.");
            }
            var query = Settings.Select((s, i) => (s.Query, everything || p.GetValue(flags[i]) ? "true" : "false")).ToArray();
            return c.SendAsync(HttpMethod.Put, "public-access-block", query);
        }));
        command.Subcommands.Add(AdminCommand.Leaf("delete", "Remove the default: new buckets start without Block Public Access",
            [], (_, c) => c.SendAsync(HttpMethod.Delete, "public-access-block")));
        return command;
    }
}

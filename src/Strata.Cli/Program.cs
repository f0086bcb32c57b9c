using System.CommandLine;
using Strata.Cli;

var root = new RootCommand("Strata: S3-compatible object storage with versioning you can trust, and the tools to get files back.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(Strata.Cli.Admin.AdminCommand.Create());
root.Subcommands.Add(VersionsCommand.Create());
root.Subcommands.Add(DiffCommand.Create());
root.Subcommands.Add(UndeleteCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
root.Subcommands.Add(MirrorCommand.Create());
root.Subcommands.Add(CollectStaticCommand.Create());
root.Subcommands.Add(ApplyCommand.Create());
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(RestoreDataCommand.Create());
root.Subcommands.Add(ReplicateCommand.Create());
// Ctrl-C and SIGTERM cancel the command's token; the default 2 s grace would cut a server's clean stop
// short (Kestrel lets in-flight requests finish for up to 30 s), so allow that and a little more.
var parse = root.Parse(args);
// `strata` alone or an unknown command: the list of commands (stdout when nothing was asked, stderr for a mistake).
if (CommandList.Applies(parse)) return CommandList.Write(parse, parse.UnmatchedTokens.Count > 0 ? Console.Error : Console.Out);
if (parse.Errors.Count > 0)
{
    // Wrong arguments exit 2, so a script can tell them from a recovery that partly failed (1).
    foreach (var error in parse.Errors) await Console.Error.WriteLineAsync(error.Message);
    await Console.Error.WriteLineAsync("See 'strata --help'.");
    return 2;
}
return await parse.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(40) });

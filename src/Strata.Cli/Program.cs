using System.CommandLine;
using Strata.Cli;

var root = new RootCommand("Strata: S3-compatible object storage with versioning you can trust, and the tools to get files back.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(VersionsCommand.Create());
root.Subcommands.Add(DiffCommand.Create());
root.Subcommands.Add(UndeleteCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
return await root.Parse(args).InvokeAsync();

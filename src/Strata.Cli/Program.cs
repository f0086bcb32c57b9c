using System.CommandLine;
using Strata.Cli;

var root = new RootCommand("Strata: S3-compatible object storage with versioning you can trust, and the tools to get files back.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(BenchCommand.Create());
root.Subcommands.Add(Strata.Cli.Admin.AdminCommand.Create());
return await root.Parse(args).InvokeAsync();

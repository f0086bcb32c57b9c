using System.CommandLine;

namespace Strata.Cli;

/// <summary>
/// What `strata` alone, `strata admin` alone or an unknown command prints: the commands there are, one a line,
/// instead of System.CommandLine's "Required command was not provided.". Exit 2, as for any wrong arguments.
/// </summary>
internal static class CommandList
{
    /// <summary>True when the parse stopped at a command that only groups subcommands (none given, or an unknown one).</summary>
    public static bool Applies(ParseResult parse) =>
        parse.Errors.Count > 0 && parse.CommandResult.Command is { Subcommands.Count: > 0, Action: null };

    public static int Write(ParseResult parse, TextWriter output)
    {
        var command = parse.CommandResult.Command;
        var path = CommandPath(parse);
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            output.WriteLine($"strata: '{token}' is not {(token.StartsWith('-') ? "an option" : "a command")} of `{path}`.");
        }
        output.WriteLine($"Usage: {path} <command> [options]");
        output.WriteLine();
        output.WriteLine("Commands:");
        var width = command.Subcommands.Max(c => c.Name.Length);
        foreach (var subcommand in command.Subcommands)
        {
            if (!subcommand.Hidden) output.WriteLine($"  {subcommand.Name.PadRight(width)}  {subcommand.Description}");
        }
        output.WriteLine();
        output.WriteLine($"Run `{path} <command> --help` for a command's options.");
        return CommandErrors.Usage;
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "strata" : result.Command.Name);
        }
        names.Reverse();
        return string.Join(' ', names);
    }
}

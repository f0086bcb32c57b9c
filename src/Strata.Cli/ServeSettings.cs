using System.CommandLine;
using System.Text.Json;

namespace Strata.Cli;

/// <summary>
/// Where `strata serve` takes each setting from, first found wins: the command line, a STRATA_* environment
/// variable, the JSON file named by --config (or STRATA_CONFIG), then the option's default. Generic over the
/// serve command's options: an option added to the command has its environment variable (--metrics-listen:
/// STRATA_METRICS_LISTEN) and its JSON key ("metricsListen") with no code here. A value from the environment or
/// the file becomes the same tokens a person would type, so the command line's parsers and checks apply to it.
/// docs/CONFIG.md lists every setting; a test keeps it complete.
/// </summary>
internal static class ServeSettings
{
    public const string ConfigOption = "--config";
    public const string EnvironmentPrefix = "STRATA_";

    /// <summary>
    /// Settings with no command-line option: a secret on the command line is visible to every user in `ps`.
    /// Named like options so that their environment variable and JSON key follow the same rule.
    /// </summary>
    public static readonly string[] WithoutOption = ["--root-access-key", "--root-secret-key"];

    /// <summary>STRATA_ and the option's name in capitals, dashes as underscores: --max-connections → STRATA_MAX_CONNECTIONS.</summary>
    public static string EnvironmentVariable(string optionName) =>
        EnvironmentPrefix + optionName.TrimStart('-').Replace('-', '_').ToUpperInvariant();

    /// <summary>The option's name in camelCase: --max-connections → maxConnections.</summary>
    public static string JsonKey(string optionName)
    {
        var words = optionName.TrimStart('-').Split('-');
        return words[0] + string.Concat(words.Skip(1).Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
    }

    /// <summary>
    /// The serve command's parse with every setting from the environment and the file added as tokens, plus the
    /// values of the settings without an option; or the reason it cannot be, in one line (the exit code with it).
    /// </summary>
    public static Layered Layer(ParseResult parse, Command serve, Func<string, string?> environment)
    {
        var (settings, refusal) = ReadFile(parse, serve, environment);
        if (refusal is not null) return refusal;
        var root = parse.RootCommandResult.Command;
        var tokens = parse.Tokens.Select(t => t.Value).ToList();
        var extras = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var option in Settable(serve))
        {
            if (parse.GetResult(option) is { Implicit: false }) continue;
            var (values, source) = Lookup(option.Name, settings, environment);
            if (values is null) continue;
            if (option.ValueType == typeof(bool)) values = values.Select(BooleanText).ToList();
            // Checked alone, so a refusal names where the value came from.
            var alone = root.Parse(["serve", .. values.SelectMany(v => new[] { option.Name, v })]);
            if (alone.Errors.Count > 0) return Layered.Refused(Malformed(option, source, values, alone.Errors[0].Message), CommandErrors.Usage);
            foreach (var value in values)
            {
                tokens.Add(option.Name);
                tokens.Add(value);
            }
        }
        foreach (var name in WithoutOption)
        {
            var (values, source) = Lookup(name, settings, environment);
            if (values is null) continue;
            if (values.Count != 1) return Layered.Refused($"{source} takes one value.", CommandErrors.Usage);
            extras[name] = values[0];
        }
        var layered = root.Parse(tokens);
        if (layered.Errors.Count > 0) return Layered.Refused(layered.Errors[0].Message, CommandErrors.Usage);
        return new Layered(layered, extras, null, 0);
    }

    // System.CommandLine names the CLR type ("System.Nullable`1[System.Int32]"); a person wants the kind of value.
    private static string Malformed(Option option, string source, List<string> values, string parserMessage)
    {
        var type = Nullable.GetUnderlyingType(option.ValueType) ?? option.ValueType;
        var kind = type == typeof(bool) ? "true or false"
            : type == typeof(int) || type == typeof(long) ? "a whole number"
            : type == typeof(double) ? "a number"
            : null;
        return kind is null ? $"{source} ({option.Name}): {parserMessage}" : $"{source} ({option.Name}) must be {kind}; got '{string.Join(' ', values)}'.";
    }

    /// <summary>Every option of `strata serve` that is a setting: all but --config and help.</summary>
    public static IEnumerable<Option> Settable(Command serve) =>
        serve.Options.Where(o => o.Name != ConfigOption && o is not System.CommandLine.Help.HelpOption && !o.Hidden);

    private static (List<string>? Values, string Source) Lookup(string optionName, Dictionary<string, (List<string> Values, string Source)> file, Func<string, string?> environment)
    {
        var variable = EnvironmentVariable(optionName);
        if (environment(variable) is { } fromEnvironment) return ([fromEnvironment], variable);
        return file.TryGetValue(Normalize(optionName), out var fromFile) ? (fromFile.Values, fromFile.Source) : (null, "");
    }

    // STRATA_TLS=1 has always meant on.
    private static string BooleanText(string value) => value switch
    {
        "1" => "true",
        "0" => "false",
        _ => value.ToLowerInvariant(),
    };

    /// <summary>Keys match their option whatever the case and separators: maxConnections, max_connections, Max-Connections.</summary>
    private static string Normalize(string name) =>
        string.Concat(name.TrimStart('-').Where(c => c is not ('-' or '_'))).ToLowerInvariant();

    private static (Dictionary<string, (List<string> Values, string Source)> Values, Layered? Refusal) ReadFile(
        ParseResult parse, Command serve, Func<string, string?> environment)
    {
        var values = new Dictionary<string, (List<string>, string)>(StringComparer.Ordinal);
        var configOption = serve.Options.First(o => o.Name == ConfigOption);
        var path = (parse.GetResult(configOption) is { Implicit: false } given ? given.Tokens.FirstOrDefault()?.Value : null)
            ?? environment(EnvironmentVariable(ConfigOption));
        if (path is null) return (values, null);
        var fullPath = Path.GetFullPath(path);
        JsonDocument document;
        try
        {
            using var stream = File.OpenRead(fullPath);
            document = JsonDocument.Parse(stream, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (values, Layered.Refused($"--config {path}: no such file.", CommandErrors.StartRefused));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (values, Layered.Refused($"--config {path} cannot be read: {e.Message}", CommandErrors.StartRefused));
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } at ? $" (line {at + 1})" : "";
            return (values, Layered.Refused($"{fullPath} is not valid JSON{line}: {e.Message}", CommandErrors.Usage));
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return (values, Layered.Refused($"{fullPath} must hold one JSON object of settings, such as {{ \"listen\": \"0.0.0.0:9000\" }}.", CommandErrors.Usage));
            }
            var known = Settable(serve).Select(o => o.Name).Concat(WithoutOption).ToDictionary(Normalize, JsonKey, StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var source = $"{fullPath}: \"{property.Name}\"";
                if (!known.ContainsKey(Normalize(property.Name)))
                {
                    var guess = known.Where(k => Distance(k.Key, Normalize(property.Name)) <= 2).Select(k => $" (did you mean \"{k.Value}\"?)").FirstOrDefault() ?? "";
                    return (values, Layered.Refused(
                        $"{fullPath}: unknown setting \"{property.Name}\"{guess}; the settings are `strata serve`'s options in camelCase, listed in docs/CONFIG.md.",
                        CommandErrors.Usage));
                }
                if (Texts(property.Value) is not { } texts)
                {
                    return (values, Layered.Refused($"{source} must be a string, a number, true or false (or a list of them).", CommandErrors.Usage));
                }
                if (texts.Count > 0) values[Normalize(property.Name)] = (texts, source);
            }
        }
        return (values, null);
    }

    // Levenshtein distance, for a typo's suggestion; names are short.
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
            previous = current;
        }
        return previous[b.Length];
    }

    private static List<string>? Texts(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Number => [value.GetRawText()],
        JsonValueKind.True => ["true"],
        JsonValueKind.False => ["false"],
        JsonValueKind.Null => [],
        JsonValueKind.Array when value.EnumerateArray().All(v => v.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False) =>
            value.EnumerateArray().SelectMany(v => Texts(v)!).ToList(),
        _ => null,
    };

    /// <summary>The layered parse (or a refusal and its exit code) and the values of the settings without an option.</summary>
    internal sealed record Layered(ParseResult? Parse, IReadOnlyDictionary<string, string>? Extras, string? Refusal, int ExitCode)
    {
        public static Layered Refused(string message, int exitCode) => new(null, null, message, exitCode);

        public string? Extra(string name) => Extras is not null && Extras.TryGetValue(name, out var value) ? value : null;
    }
}

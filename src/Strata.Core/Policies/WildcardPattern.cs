namespace Strata.Core.Policies;

/// <summary>
/// A policy string compiled once at parse time: literal runs, <c>*</c> (any run, across <c>/</c> too),
/// <c>?</c> (one character) and policy variables such as <c>${aws:username}</c>.
/// </summary>
internal sealed class WildcardPattern
{
    private enum TokenKind : byte { Literal, Any, One, Variable }

    private readonly record struct Token(TokenKind Kind, string Text, string? Default);

    private enum Shape : byte { Everything, Exact, Prefix, General }

    private readonly Token[] _tokens;
    private readonly Shape _shape;
    private readonly string _literal;
    private readonly StringComparison _comparison;

    public string Source { get; }

    public bool HasVariables { get; }

    private WildcardPattern(string source, Token[] tokens, bool ignoreCase)
    {
        Source = source;
        _tokens = tokens;
        _comparison = ignoreCase ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        HasVariables = Array.Exists(tokens, t => t.Kind == TokenKind.Variable);
        _literal = string.Empty;
        // The common shapes ("*", "exact", "prefix*") skip the general matcher on every request.
        if (tokens.Length == 1 && tokens[0].Kind == TokenKind.Any) _shape = Shape.Everything;
        else if (tokens.Length == 0) { _shape = Shape.Exact; }
        else if (tokens.Length == 1 && tokens[0].Kind == TokenKind.Literal) { _shape = Shape.Exact; _literal = tokens[0].Text; }
        else if (tokens.Length == 2 && tokens[0].Kind == TokenKind.Literal && tokens[1].Kind == TokenKind.Any)
        {
            _shape = Shape.Prefix;
            _literal = tokens[0].Text;
        }
        else _shape = Shape.General;
    }

    /// <summary>Compiles <paramref name="source"/>.</summary>
    /// <param name="wildcards">False for StringEquals-like operators: <c>*</c> and <c>?</c> are then plain characters.</param>
    /// <param name="variables">
    /// IAM: "Variables were introduced in version 2012-10-17 ... If you don't include the Version element
    /// ... variables like ${aws:username} are treated as literal strings in the policy."
    /// </param>
    public static WildcardPattern Compile(string source, bool wildcards, bool variables, bool ignoreCase)
    {
        var tokens = new List<Token>();
        var literal = new System.Text.StringBuilder();
        void Flush()
        {
            if (literal.Length == 0) return;
            tokens.Add(new Token(TokenKind.Literal, literal.ToString(), null));
            literal.Clear();
        }

        for (var i = 0; i < source.Length; i++)
        {
            var c = source[i];
            if (variables && c == '$' && i + 1 < source.Length && source[i + 1] == '{')
            {
                var end = source.IndexOf('}', i + 2);
                if (end > 0 && TryParseVariable(source.AsSpan(i + 2, end - i - 2), out var name, out var fallback))
                {
                    // IAM: ${*}, ${?} and ${$} stand for the characters themselves, never wildcards.
                    if (name is "*" or "?" or "$") literal.Append(name);
                    else { Flush(); tokens.Add(new Token(TokenKind.Variable, name, fallback)); }
                    i = end;
                    continue;
                }
            }
            if (wildcards && c == '*')
            {
                Flush();
                // "**" means the same as "*"; collapsing keeps the matcher's backtracking linear.
                if (tokens.Count == 0 || tokens[^1].Kind != TokenKind.Any) tokens.Add(new Token(TokenKind.Any, "", null));
            }
            else if (wildcards && c == '?') { Flush(); tokens.Add(new Token(TokenKind.One, "", null)); }
            else literal.Append(c);
        }
        Flush();
        return new WildcardPattern(source, [.. tokens], ignoreCase);
    }

    // IAM: "${key, 'default'}" — the key is case-insensitive, the default is literal, '' is one quote.
    private static bool TryParseVariable(ReadOnlySpan<char> inner, out string name, out string? fallback)
    {
        name = "";
        fallback = null;
        var comma = inner.IndexOf(',');
        var key = (comma < 0 ? inner : inner[..comma]).Trim();
        if (key.IsEmpty || key.ContainsAny(' ', '\t', '\'')) return false;
        if (comma >= 0)
        {
            var rest = inner[(comma + 1)..].Trim();
            if (rest.Length < 2 || rest[0] != '\'' || rest[^1] != '\'') return false;
            fallback = rest[1..^1].ToString().Replace("''", "'", StringComparison.Ordinal);
        }
        name = key.ToString();
        return true;
    }

    /// <summary>
    /// Whether <paramref name="text"/> matches. A variable that cannot be resolved sets
    /// <paramref name="unresolved"/>: IAM says a variable with no value "causes the statement to be invalid".
    /// </summary>
    public bool IsMatch(ReadOnlySpan<char> text, RequestContext context, ref bool unresolved)
    {
        switch (_shape)
        {
            case Shape.Everything: return true;
            case Shape.Exact: return text.Equals(_literal, _comparison);
            case Shape.Prefix: return text.StartsWith(_literal, _comparison);
        }
        return MatchGeneral(text, context, ref unresolved);
    }

    // The classic glob walk: on a mismatch, return to the last '*' and let it swallow one more character.
    // Later stars subsume earlier ones, so remembering only the last is enough: O(text × pattern), no allocation.
    private bool MatchGeneral(ReadOnlySpan<char> text, RequestContext context, ref bool unresolved)
    {
        int t = 0, p = 0, starToken = -1, starText = 0;
        while (t < text.Length || p < _tokens.Length)
        {
            if (p < _tokens.Length)
            {
                var token = _tokens[p];
                switch (token.Kind)
                {
                    case TokenKind.Any:
                        starToken = p++;
                        starText = t;
                        continue;
                    case TokenKind.One when t < text.Length:
                        t++;
                        p++;
                        continue;
                    case TokenKind.Literal when text[t..].StartsWith(token.Text, _comparison):
                        t += token.Text.Length;
                        p++;
                        continue;
                    case TokenKind.Variable:
                        if (!TryResolve(token, context, out var value))
                        {
                            unresolved = true;
                            return false;
                        }
                        if (text[t..].StartsWith(value, _comparison))
                        {
                            t += value.Length;
                            p++;
                            continue;
                        }
                        break;
                }
            }
            if (starToken < 0 || starText >= text.Length) return false;
            p = starToken + 1;
            t = ++starText;
        }
        return true;
    }

    private static bool TryResolve(Token token, RequestContext context, out string value)
    {
        // IAM: multivalued keys cannot be used as variables.
        if (ContextValues.TryGet(context, token.Text, out var values) && values.Count == 1)
        {
            value = values[0];
            return true;
        }
        value = token.Default ?? "";
        return token.Default is not null;
    }

    public override string ToString() => Source;
}

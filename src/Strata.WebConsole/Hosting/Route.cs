using Microsoft.AspNetCore.Http;

namespace Strata.WebConsole.Hosting;

/// <summary>
/// One console route: a method, a pattern of path segments below /_strata/console (a literal, or {name} that takes
/// one segment, unescaped, optionally followed by a literal suffix such as {id}.json), and who may call it.
/// </summary>
internal sealed class Route
{
    private readonly string[] _segments;

    private Route(string method, string pattern, Func<ConsoleContext, Task> handler, bool anonymous)
    {
        Method = method;
        Pattern = pattern;
        Handler = handler;
        Anonymous = anonymous;
        _segments = pattern.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
    }

    public string Method { get; }
    public string Pattern { get; }
    public Func<ConsoleContext, Task> Handler { get; }

    /// <summary>Callable without a session (sign-in, assets); every other route needs one.</summary>
    public bool Anonymous { get; }

    public static Route Get(string pattern, Func<ConsoleContext, Task> handler, bool anonymous = false) => new(HttpMethods.Get, pattern, handler, anonymous);

    public static Route Post(string pattern, Func<ConsoleContext, Task> handler, bool anonymous = false) => new(HttpMethods.Post, pattern, handler, anonymous);

    /// <summary>The route's values when <paramref name="segments"/> (already unescaped) fit the pattern, else null.</summary>
    public Dictionary<string, string>? Match(IReadOnlyList<string> segments)
    {
        if (segments.Count != _segments.Length) return null;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < _segments.Length; i++)
        {
            var pattern = _segments[i];
            if (pattern.StartsWith('{'))
            {
                var close = pattern.IndexOf('}', StringComparison.Ordinal);
                var suffix = pattern[(close + 1)..];
                if (!segments[i].EndsWith(suffix, StringComparison.Ordinal) || segments[i].Length == suffix.Length) return null;
                values[pattern[1..close]] = segments[i][..^suffix.Length];
            }
            else if (!string.Equals(pattern, segments[i], StringComparison.Ordinal))
            {
                return null;
            }
        }
        return values;
    }
}

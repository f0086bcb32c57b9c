using System.Text;

namespace Strata.WebConsole;

/// <summary>The console's URLs, built in one place; keys and prefixes are escaped for a query string.</summary>
internal static class ConsolePaths
{
    public const string Base = "/_strata/console";
    public const string SignIn = Base + "/sign-in";
    public const string SignOut = Base + "/sign-out";
    public const string Buckets = Base + "/buckets";

    public static string Bucket(string bucket) => $"{Buckets}/{Uri.EscapeDataString(bucket)}";

    /// <summary>A bucket's listing at <paramref name="prefix"/>, from a continuation token, with or without deleted keys.</summary>
    public static string Browse(string bucket, string? prefix = null, string? token = null, bool deleted = false) =>
        Bucket(bucket) + Query(("prefix", prefix), ("token", token), ("deleted", deleted ? "1" : null));

    public static string History(string bucket, string key) => Bucket(bucket) + "/history" + Query(("key", key));

    public static string SignInReturning(string returnTo) => SignIn + Query(("return", returnTo));

    /// <summary>?a=1&amp;b=2 of the pairs with a non-empty value (empty string when none).</summary>
    public static string Query(params (string Name, string? Value)[] pairs)
    {
        var query = new StringBuilder();
        foreach (var (name, value) in pairs)
        {
            if (string.IsNullOrEmpty(value)) continue;
            query.Append(query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
        }
        return query.ToString();
    }
}

namespace Strata.WebConsole.Security;

/// <summary>
/// The `return` parameter of the sign-in page: a path inside the console only. An absolute URL, a scheme-relative
/// one (//evil.example) or a backslash trick would make the sign-in an open redirect, so all of them fall back to
/// the buckets page.
/// </summary>
internal static class ReturnPath
{
    public static string Safe(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate)
            || !candidate.StartsWith(ConsolePaths.Base + "/", StringComparison.Ordinal)
            || candidate.Contains('\\')
            || candidate.Any(char.IsControl))
        {
            return ConsolePaths.Buckets;
        }
        return candidate;
    }
}

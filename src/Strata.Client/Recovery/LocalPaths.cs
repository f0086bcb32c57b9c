namespace Strata.Client.Recovery;

/// <summary>
/// Maps object keys to files under a folder so that no key can escape it: "..", ".", absolute keys,
/// backslashes and NUL are refused, and the resolved path is checked to lie under the folder.
/// </summary>
public static class LocalPaths
{
    /// <summary>The file for <paramref name="relativeKey"/> under <paramref name="root"/>, or false with the reason.</summary>
    public static bool TryResolve(string root, string relativeKey, out string path, out string reason)
    {
        path = "";
        reason = "";
        var fullRoot = Path.GetFullPath(root);
        if (relativeKey.Length == 0 || relativeKey.StartsWith('/'))
        {
            reason = "an absolute key cannot be written under the folder";
            return false;
        }
        if (relativeKey.Contains('\\') || relativeKey.Contains('\0'))
        {
            reason = "the key holds a backslash or NUL, which could name a different file";
            return false;
        }
        var segments = relativeKey.Split('/');
        foreach (var segment in segments)
        {
            if (segment is "." or "..")
            {
                reason = "the key has a '.' or '..' segment and would escape or alias the folder";
                return false;
            }
            if (segment.Length == 0)
            {
                reason = "the key has an empty segment ('//')";
                return false;
            }
        }
        var candidate = Path.GetFullPath(Path.Combine([fullRoot, .. segments]));
        var rootWithSeparator = fullRoot.EndsWith(Path.DirectorySeparatorChar) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        if (!candidate.StartsWith(rootWithSeparator, StringComparison.Ordinal))
        {
            reason = "the key resolves outside the folder";
            return false;
        }
        path = candidate;
        return true;
    }
}

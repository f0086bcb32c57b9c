using System.Security.Cryptography;

namespace Strata.AspNetCore.Storage;

/// <summary>The rules for a file's name in a storage, shared by every backend.</summary>
public static class StorageName
{
    private const string SuffixAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>
    /// Returns <paramref name="name"/> when it is a relative '/'-separated path, or throws <see cref="StorageNameException"/>:
    /// no absolute path (leading '/' or a drive letter), no '..' or '.' segment, no empty segment, no backslash or control character.
    /// A name never escapes the storage's bucket prefix or directory.
    /// </summary>
    public static string Validate(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new StorageNameException(name ?? "", "a file name is empty");
        if (name[0] == '/' || (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':'))
            throw new StorageNameException(name, "an absolute path is not a storage name; use a path relative to the storage");
        if (name.Contains('\\')) throw new StorageNameException(name, "a backslash is not allowed; separate folders with '/'");
        foreach (var c in name)
        {
            if (char.IsControl(c)) throw new StorageNameException(name, "a control character is not allowed");
        }
        foreach (var segment in name.Split('/'))
        {
            if (segment == "..") throw new StorageNameException(name, "'..' would leave the storage");
            if (segment == ".") throw new StorageNameException(name, "a '.' segment is not allowed");
            if (segment.Length == 0) throw new StorageNameException(name, "an empty folder name ('//' or a trailing '/') is not allowed");
        }
        return name;
    }

    /// <summary>Validates a directory name for listing: "" is the top, otherwise the rules of <see cref="Validate"/>.</summary>
    public static string ValidateDirectory(string directory)
    {
        var trimmed = directory.TrimEnd('/');
        return trimmed.Length == 0 && directory.Length <= 1 ? "" : Validate(trimmed);
    }

    /// <summary>
    /// Django's alternative name for a taken one: an underscore and seven random letters or digits between the
    /// file's stem and all its extensions (<c>docs/report.tar.gz</c> → <c>docs/report_Xk3r9Qa.tar.gz</c>).
    /// </summary>
    public static string Alternative(string name)
    {
        var slash = name.LastIndexOf('/');
        var directory = name[..(slash + 1)];
        var file = name[(slash + 1)..];
        // pathlib's suffixes: leading dots belong to the stem (".env" has no extension).
        var start = 0;
        while (start < file.Length && file[start] == '.') start++;
        var dot = file.IndexOf('.', start);
        var (stem, extensions) = dot < 0 || dot == file.Length - 1 ? (file, "") : (file[..dot], file[dot..]);
        var suffix = RandomNumberGenerator.GetString(SuffixAlphabet, 7);
        return $"{directory}{stem}_{suffix}{extensions}";
    }

    /// <summary>The name as a URL path: each segment percent-encoded, the '/' separators kept.</summary>
    internal static string ToUrlPath(string name) => string.Join('/', name.Split('/').Select(Uri.EscapeDataString));
}

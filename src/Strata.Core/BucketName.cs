namespace Strata.Core;

/// <summary>A bucket name that follows S3's naming rules for general purpose buckets.</summary>
public readonly record struct BucketName
{
    public string Value { get; }

    private BucketName(string value) => Value = value;

    public override string ToString() => Value;

    public static bool TryParse(string? candidate, out BucketName name)
    {
        name = default;
        if (candidate is null || !IsValid(candidate)) return false;
        name = new BucketName(candidate);
        return true;
    }

    public static BucketName Parse(string candidate) =>
        TryParse(candidate, out var name) ? name : throw S3Fail.Exception(StrataError.InvalidBucketName);

    // S3: 3-63 characters of a-z 0-9 . -, starting and ending with a letter or digit, no "..",
    // not an IP address, and none of the reserved prefixes and suffixes.
    private static bool IsValid(string s)
    {
        if (s.Length is < 3 or > 63) return false;
        foreach (var c in s)
        {
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '.' or '-')) return false;
        }
        if (!char.IsAsciiLetterOrDigit(s[0]) || !char.IsAsciiLetterOrDigit(s[^1])) return false;
        if (s.Contains("..", StringComparison.Ordinal)) return false;
        if (System.Net.IPAddress.TryParse(s, out var ip) && ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && s.Split('.').Length == 4) return false;
        foreach (var prefix in ReservedPrefixes)
        {
            if (s.StartsWith(prefix, StringComparison.Ordinal)) return false;
        }
        foreach (var suffix in ReservedSuffixes)
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal)) return false;
        }
        return true;
    }

    private static readonly string[] ReservedPrefixes = ["xn--", "sthree-", "amzn-s3-demo-"];
    private static readonly string[] ReservedSuffixes = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];
}

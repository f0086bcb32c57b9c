namespace Strata.Core;

/// <summary>
/// A version id: "null" for objects written while a bucket is unversioned or Suspended,
/// otherwise 32 URL-safe characters, unique per bucket, opaque to clients.
/// </summary>
public readonly record struct VersionId
{
    public const string NullText = "null";
    private const int Length = 32;

    public string Value { get; }

    private VersionId(string value) => Value = value;

    public static VersionId Null { get; } = new(NullText);

    public bool IsNull => Value == NullText;

    public override string ToString() => Value;

    public static VersionId NewId() => new(RandomIds.UrlSafe32());

    public static bool TryParse(string? candidate, out VersionId id)
    {
        id = default;
        if (candidate is null) return false;
        if (candidate == NullText)
        {
            id = Null;
            return true;
        }
        if (candidate.Length != Length) return false;
        foreach (var c in candidate)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_')) return false;
        }
        id = new VersionId(candidate);
        return true;
    }

    /// <summary>S3 answers a malformed version id with 400 InvalidArgument.</summary>
    public static VersionId Parse(string candidate) =>
        TryParse(candidate, out var id) ? id : throw S3Fail.Exception(StrataError.InvalidArgument, "Invalid version id specified");
}

/// <summary>Opaque ids for clients: version ids and multipart upload ids.</summary>
public static class RandomIds
{
    /// <summary>24 random bytes as base64url: 32 URL-safe characters, 192 bits, unique without coordination.</summary>
    public static string UrlSafe32()
    {
        Span<byte> bytes = stackalloc byte[24];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}

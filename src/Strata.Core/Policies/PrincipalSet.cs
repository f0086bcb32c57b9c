using System.Text.Json;

namespace Strata.Core.Policies;

/// <summary>
/// A bucket policy's Principal (or NotPrincipal): "*", or {"AWS": ...} naming accounts and IAM ARNs.
/// </summary>
internal sealed class PrincipalSet
{
    private const string InvalidPrincipal = "Invalid principal in policy";
    private const string IamPrefix = "arn:aws:iam::";

    private bool _everyone;
    private readonly HashSet<string> _arns = new(StringComparer.Ordinal);
    private readonly HashSet<string> _accounts = new(StringComparer.Ordinal);

    private PrincipalSet(bool everyone) => _everyone = everyone;

    /// <summary>
    /// AWS: "*" and {"AWS": "*"} mean everyone, anonymous requests included. An account id and
    /// "arn:aws:iam::&lt;account&gt;:root" both stand for every principal of that account. Wildcards are not
    /// allowed inside a principal ARN, so "arn:aws:iam::111122223333:user/*" is refused.
    /// </summary>
    public static PrincipalSet Parse(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            return element.GetString() == "*" ? new PrincipalSet(everyone: true) : throw Invalid();
        }
        if (element.ValueKind != JsonValueKind.Object) throw Invalid();

        var set = new PrincipalSet(everyone: false);
        var any = false;
        foreach (var property in element.EnumerateObject())
        {
            // S3 also knows "Service", "CanonicalUser" and "Federated"; Strata has none of those principals.
            if (property.Name != "AWS" || any) throw Invalid();
            any = true;
            foreach (var value in PolicyJson.StringOrArray(property.Value, InvalidPrincipal)) set.Add(value);
        }
        return any ? set : throw Invalid();
    }

    private void Add(string value)
    {
        // "*" inside a list ({"AWS": ["*", "arn..."]}) still means everyone.
        if (value == "*")
        {
            _everyone = true;
            return;
        }
        if (IsAccountId(value))
        {
            _accounts.Add(value);
            return;
        }
        if (!value.StartsWith(IamPrefix, StringComparison.Ordinal) || value.AsSpan().ContainsAny('*', '?')) throw Invalid();
        var rest = value.AsSpan(IamPrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon < 0 || !IsAccountId(rest[..colon]) || rest.Length == colon + 1) throw Invalid();
        var name = rest[(colon + 1)..];
        if (name.SequenceEqual("root")) _accounts.Add(rest[..colon].ToString());
        else if (name.StartsWith("user/") || name.StartsWith("role/")) _arns.Add(value);
        else throw Invalid();
    }

    /// <summary>"*" or {"AWS": "*"}: everyone, anonymous callers included.</summary>
    public bool IsEveryone => _everyone;

    public bool Matches(string? principalArn)
    {
        if (_everyone) return true;
        if (principalArn is null) return false;
        if (_arns.Contains(principalArn)) return true;
        return TryAccountOf(principalArn, out var account)
            && _accounts.GetAlternateLookup<ReadOnlySpan<char>>().Contains(account);
    }

    private static bool TryAccountOf(string principalArn, out ReadOnlySpan<char> account)
    {
        account = default;
        if (!principalArn.StartsWith(IamPrefix, StringComparison.Ordinal)) return false;
        var rest = principalArn.AsSpan(IamPrefix.Length);
        var colon = rest.IndexOf(':');
        if (colon < 0) return false;
        account = rest[..colon];
        return true;
    }

    private static bool IsAccountId(ReadOnlySpan<char> value) =>
        value.Length == 12 && !value.ContainsAnyExceptInRange('0', '9');

    private static StrataException Invalid() => S3Fail.Exception(StrataError.MalformedPolicy, InvalidPrincipal);
}

namespace Strata.Core.PostPolicy;

/// <summary>
/// A browser-upload POST policy: when it expires and the conditions every form must meet.
/// <see cref="Evaluate"/> is pure: the form's fields and the time in, the refusal S3 would answer (or null) out.
/// </summary>
public sealed record PostPolicyDocument(DateTimeOffset Expiration, IReadOnlyList<PostCondition> Conditions)
{
    /// <summary>The policy's content-length-range (the tightest, where it has several); null when it has none.</summary>
    public (long Min, long Max)? LengthRange
    {
        get
        {
            (long Min, long Max)? range = null;
            foreach (var condition in Conditions)
            {
                if (condition is not PostCondition.ContentLengthRange r) continue;
                range = range is { } known ? (Math.Max(known.Min, r.Min), Math.Min(known.Max, r.Max)) : (r.Min, r.Max);
            }
            return range;
        }
    }

    /// <summary>Parses the base64 "policy" form field; throws InvalidPolicyDocument with S3's message.</summary>
    public static PostPolicyDocument Parse(string base64) => PostPolicyParser.Parse(base64);

    /// <summary>
    /// Checks the form against the policy: expiration first, then each condition in order, then that every field
    /// was named by a condition. <paramref name="fields"/> is keyed case-insensitively and holds "bucket" (the
    /// bucket the request addresses) and "key" with ${filename} already replaced.
    /// </summary>
    public PostRefusal? Evaluate(IReadOnlyDictionary<string, string> fields, DateTimeOffset now)
    {
        if (now >= Expiration) return new PostRefusal(StrataError.AccessDenied, "Invalid according to Policy: Policy expired.");
        foreach (var condition in Conditions)
        {
            if (!condition.IsMetBy(fields))
            {
                return new PostRefusal(StrataError.AccessDenied, $"Invalid according to Policy: Policy Condition failed: {condition.Text}");
            }
        }
        // S3: every form field except x-amz-signature, file, policy and x-ignore-* must appear in a condition.
        List<string>? extra = null;
        foreach (var name in fields.Keys)
        {
            if (IsExempt(name) || Names(name)) continue;
            (extra ??= []).Add(name);
        }
        return extra is null ? null
            : new PostRefusal(StrataError.AccessDenied, "Invalid according to Policy: Extra input fields: " + string.Join(", ", extra));
    }

    private bool Names(string field)
    {
        foreach (var condition in Conditions)
        {
            if (string.Equals(condition.NamedField, field, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    // Signature V2 forms carry AWSAccessKeyId and signature in place of the x-amz-* fields; neither is in a policy.
    private static bool IsExempt(string name) =>
        name.Equals("x-amz-signature", StringComparison.OrdinalIgnoreCase)
        || name.Equals("signature", StringComparison.OrdinalIgnoreCase)
        || name.Equals("awsaccesskeyid", StringComparison.OrdinalIgnoreCase)
        || name.Equals("policy", StringComparison.OrdinalIgnoreCase)
        || name.Equals("file", StringComparison.OrdinalIgnoreCase)
        || name.Equals("bucket", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("x-ignore-", StringComparison.OrdinalIgnoreCase);
}

/// <summary>Why a form was refused: S3's code and message.</summary>
public sealed record PostRefusal(StrataError Error, string Message);

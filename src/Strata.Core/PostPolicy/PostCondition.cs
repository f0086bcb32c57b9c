namespace Strata.Core.PostPolicy;

/// <summary>
/// One condition of a browser-upload POST policy, as S3's "Creating a POST policy" lists them. Field names are
/// kept lower-case without the "$": S3 matches form field names case-insensitively; values are matched exactly.
/// <see cref="Text"/> is the condition as S3 quotes it in "Policy Condition failed: …".
/// </summary>
public abstract record PostCondition(string Text)
{
    /// <summary>{"field": "value"} or ["eq", "$field", "value"]: the field must have exactly this value.</summary>
    public sealed record Exact(string Field, string Value, string Text) : PostCondition(Text);

    /// <summary>["starts-with", "$field", "prefix"]: the field must begin with the prefix ("" allows any value).</summary>
    public sealed record StartsWith(string Field, string Prefix, string Text) : PostCondition(Text);

    /// <summary>["content-length-range", min, max]: the file's size in bytes, both ends included.</summary>
    public sealed record ContentLengthRange(long Min, long Max, string Text) : PostCondition(Text);

    /// <summary>Whether the form fields satisfy this condition; a missing field reads as "".</summary>
    public bool IsMetBy(IReadOnlyDictionary<string, string> fields)
    {
        switch (this)
        {
            case Exact exact:
                return string.Equals(FieldValue(fields, exact.Field), exact.Value, StringComparison.Ordinal);
            case StartsWith startsWith when startsWith.Field == "content-type":
                // S3: a Content-Type may list several types separated by commas; each must start with the prefix.
                foreach (var part in FieldValue(fields, "content-type").Split(','))
                {
                    if (!part.Trim().StartsWith(startsWith.Prefix, StringComparison.Ordinal)) return false;
                }
                return true;
            case StartsWith startsWith:
                return FieldValue(fields, startsWith.Field).StartsWith(startsWith.Prefix, StringComparison.Ordinal);
            default:
                return true; // the length is checked while the file streams in
        }
    }

    private static string FieldValue(IReadOnlyDictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) ? value : "";

    /// <summary>The field the condition names, lower-case; null for content-length-range.</summary>
    public string? NamedField => this switch
    {
        Exact e => e.Field,
        StartsWith s => s.Field,
        _ => null,
    };
}

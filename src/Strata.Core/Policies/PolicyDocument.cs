namespace Strata.Core.Policies;

/// <summary>
/// A bucket policy or an identity policy, validated and compiled once; evaluate it with <see cref="PolicyEvaluator"/>.
/// Keep the JSON text the client sent for GetBucketPolicy: this is the compiled form, not a round-trippable copy.
/// </summary>
public sealed class PolicyDocument
{
    internal PolicyDocument(PolicyKind kind, string? version, string? id, PolicyStatement[] statements)
    {
        Kind = kind;
        Version = version;
        Id = id;
        Statements = statements;
    }

    public PolicyKind Kind { get; }

    /// <summary>"2012-10-17", "2008-10-17", or null when the document has no Version (then AWS reads it as 2008-10-17).</summary>
    public string? Version { get; }

    public string? Id { get; }

    public int StatementCount => Statements.Length;

    internal PolicyStatement[] Statements { get; }

    /// <summary>
    /// Whether any statement has a condition on a key starting with <paramref name="prefix"/> (compared as IAM compares
    /// key names, ignoring case): the server reads values that cost a lookup, such as s3:ExistingObjectTag/*, only then.
    /// </summary>
    public bool TestsConditionKeyStartingWith(string prefix)
    {
        foreach (var statement in Statements)
        {
            foreach (var condition in statement.Conditions)
            {
                if (condition.Key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Parses and validates a policy document.
    /// </summary>
    /// <exception cref="StrataException">MalformedPolicy, with a message saying what is wrong.</exception>
    public static PolicyDocument Parse(string json, PolicyKind kind) => PolicyParser.Parse(json, kind);
}

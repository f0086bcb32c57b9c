using System.Text;
using System.Text.Json;
using static Strata.Core.Policies.PolicyJson;

namespace Strata.Core.Policies;

/// <summary>
/// Reads a policy with <see cref="JsonDocument"/> (no reflection serializer, bounded depth) and compiles it.
/// Element names are case-sensitive and unknown ones are refused, as S3 and IAM refuse them.
/// </summary>
internal static class PolicyParser
{
    // S3: a bucket policy is limited to 20 KB. IAM: a managed policy to 6,144 characters, white space not counted.
    internal const int ResourcePolicyMaxBytes = 20 * 1024;
    internal const int IdentityPolicyMaxCharacters = 6144;

    // Root → Statement[] → statement → Condition → operator → values[] is six levels; more is not a policy.
    private const int MaxDepth = 8;

    private const string InvalidAction = "Policy has invalid action";
    private const string InvalidResource = "Policy has invalid resource";
    private const string S3ArnPrefix = "arn:aws:s3:::";

    public static PolicyDocument Parse(string json, PolicyKind kind)
    {
        ArgumentNullException.ThrowIfNull(json);
        CheckSize(json, kind);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            throw S3Fail.Exception(StrataError.MalformedPolicy);
        }
        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw S3Fail.Exception(StrataError.MalformedPolicy);
            return ParseRoot(document.RootElement, kind);
        }
    }

    private static void CheckSize(string json, PolicyKind kind)
    {
        if (kind == PolicyKind.Resource)
        {
            if (json.Length > ResourcePolicyMaxBytes && Encoding.UTF8.GetByteCount(json) > ResourcePolicyMaxBytes)
            {
                throw Fail($"Policies cannot exceed {ResourcePolicyMaxBytes / 1024} kilobytes");
            }
            return;
        }
        var characters = 0;
        foreach (var c in json)
        {
            if (!char.IsWhiteSpace(c)) characters++;
        }
        if (characters > IdentityPolicyMaxCharacters) throw Fail($"Policies cannot exceed {IdentityPolicyMaxCharacters} characters");
    }

    private static PolicyDocument ParseRoot(JsonElement root, PolicyKind kind)
    {
        string? version = null, id = null;
        JsonElement? statement = null;
        foreach (var property in Properties(root, "The policy"))
        {
            switch (property.Name)
            {
                case "Version":
                    version = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                    if (version is not ("2012-10-17" or "2008-10-17")) throw Fail("Policy has an invalid Version: use 2012-10-17");
                    break;
                case "Id":
                    id = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : throw Fail("Id must be a string");
                    break;
                case "Statement":
                    statement = property.Value;
                    break;
                default:
                    throw Fail($"Unknown field {property.Name}");
            }
        }
        if (statement is not { } statements) throw Fail("Missing required field Statement");

        // IAM: policy variables exist only from language version 2012-10-17; before it "${...}" is literal text.
        var variables = version == "2012-10-17";
        PolicyStatement[] compiled;
        if (statements.ValueKind == JsonValueKind.Array)
        {
            if (statements.GetArrayLength() == 0) throw Fail("Missing required field Statement");
            compiled = new PolicyStatement[statements.GetArrayLength()];
            var i = 0;
            foreach (var item in statements.EnumerateArray()) compiled[i++] = ParseStatement(item, kind, variables);
        }
        else
        {
            compiled = [ParseStatement(statements, kind, variables)];
        }
        return new PolicyDocument(kind, version, id, compiled);
    }

    private static PolicyStatement ParseStatement(JsonElement element, PolicyKind kind, bool variables)
    {
        string? sid = null;
        PolicyEffect? effect = null;
        JsonElement? action = null, notAction = null, resource = null, notResource = null, principal = null, notPrincipal = null, condition = null;
        foreach (var property in Properties(element, "A statement"))
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "Sid": sid = value.ValueKind == JsonValueKind.String ? value.GetString() : throw Fail("Sid must be a string"); break;
                case "Effect": effect = ParseEffect(value); break;
                case "Action": action = value; break;
                case "NotAction": notAction = value; break;
                case "Resource": resource = value; break;
                case "NotResource": notResource = value; break;
                case "Principal": principal = value; break;
                case "NotPrincipal": notPrincipal = value; break;
                case "Condition": condition = value; break;
                default: throw Fail($"Unknown field {property.Name}");
            }
        }

        if (effect is not { } statementEffect) throw Fail("Missing required field Effect");
        var actions = ParseActions(ExactlyOne(action, notAction, "Action", "NotAction"));
        var resources = ParseResources(ExactlyOne(resource, notResource, "Resource", "NotResource"), variables);

        PrincipalSet? principals = null;
        if (kind == PolicyKind.Identity)
        {
            // IAM's own refusal for an identity policy that names a principal.
            if (principal is not null || notPrincipal is not null) throw Fail("Policy document should not specify a principal.");
        }
        else
        {
            if (principal is null && notPrincipal is null) throw Fail("Missing required field Principal");
            principals = PrincipalSet.Parse(ExactlyOne(principal, notPrincipal, "Principal", "NotPrincipal"));
        }

        var conditions = condition is { } c ? ParseConditions(c, variables) : [];
        return new PolicyStatement(sid, statementEffect, principals, notPrincipal is not null,
            actions, notAction is not null, resources, notResource is not null, conditions);
    }

    private static PolicyEffect ParseEffect(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString() switch
        {
            "Allow" => PolicyEffect.Allow,
            "Deny" => PolicyEffect.Deny,
            var other => throw Fail($"Invalid effect: {other}"),
        } : throw Fail("Invalid effect");

    private static JsonElement ExactlyOne(JsonElement? positive, JsonElement? negative, string name, string notName)
    {
        if (positive is not null && negative is not null) throw Fail($"A statement cannot have both {name} and {notName}");
        return positive ?? negative ?? throw Fail($"Missing required field {name}");
    }

    // "*", or "s3:" and a name of letters and digits with * and ? wildcards. IAM: actions are case-insensitive.
    private static WildcardPattern[] ParseActions(JsonElement element)
    {
        var values = StringOrArray(element, InvalidAction);
        var patterns = new WildcardPattern[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value != "*")
            {
                if (value.Length < 4 || !value.StartsWith("s3:", StringComparison.OrdinalIgnoreCase)) throw Fail(InvalidAction);
                foreach (var c in value.AsSpan(3))
                {
                    if (!char.IsAsciiLetterOrDigit(c) && c is not ('*' or '?')) throw Fail(InvalidAction);
                }
            }
            patterns[i] = WildcardPattern.Compile(value, wildcards: true, variables: false, ignoreCase: true);
        }
        return patterns;
    }

    // "*", or an S3 ARN. Resources are case-sensitive, and '*' runs across '/'.
    private static WildcardPattern[] ParseResources(JsonElement element, bool variables)
    {
        var values = StringOrArray(element, InvalidResource);
        var patterns = new WildcardPattern[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (value != "*" && (!value.StartsWith(S3ArnPrefix, StringComparison.Ordinal) || value.Length == S3ArnPrefix.Length))
            {
                throw Fail(InvalidResource);
            }
            patterns[i] = WildcardPattern.Compile(value, wildcards: true, variables, ignoreCase: false);
        }
        return patterns;
    }

    // {"<Operator>": {"<key>": value-or-values, ...}, ...}
    private static ConditionClause[] ParseConditions(JsonElement element, bool variables)
    {
        var clauses = new List<ConditionClause>();
        foreach (var block in Properties(element, "Condition"))
        {
            if (!ConditionOperator.TryParse(block.Name, out var op)) throw Fail($"Invalid Condition type : {block.Name}");
            var keys = Properties(block.Value, $"Condition {block.Name}");
            if (keys.Count == 0) throw Fail($"Condition {block.Name} has no condition key");
            foreach (var key in keys)
            {
                if (key.Name.Length == 0) throw Fail($"Condition {block.Name} has an empty condition key");
                var values = ConditionValues(key.Value, $"Invalid value for condition {block.Name} on {key.Name}");
                clauses.Add(ConditionClause.Create(op, key.Name, values, variables));
            }
        }
        return [.. clauses];
    }
}

using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Strata.Core.PostPolicy;

/// <summary>
/// Reads a POST policy: base64 of a UTF-8 JSON object with "expiration" (ISO 8601, UTC) and "conditions".
/// Element names are case-sensitive as S3 reads them; condition names and field names are not.
/// Every refusal is InvalidPolicyDocument with S3's "Invalid Policy: …" message.
/// </summary>
internal static class PostPolicyParser
{
    // The policy travels in a form field, which is capped well below this; a bounded decode either way.
    private const int MaxPolicyBytes = 20 * 1024;
    private const int MaxDepth = 4;

    private static readonly string[] ExpirationFormats =
        ["yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'"];

    public static PostPolicyDocument Parse(string base64)
    {
        var bytes = new byte[Math.Min(base64.Length, MaxPolicyBytes * 2)];
        if (base64.Length > MaxPolicyBytes * 2 || !Convert.TryFromBase64String(base64.Trim(), bytes, out var length))
        {
            throw Fail("Invalid Policy: Invalid 'Policy' value: it is not base64 encoded.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(0, length), new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException)
        {
            throw Fail("Invalid Policy: Invalid JSON.");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Fail("Invalid Policy: Invalid JSON.");
            if (!root.TryGetProperty("expiration", out var expiration)) throw Fail("Invalid Policy: Policy missing expiration.");
            if (!root.TryGetProperty("conditions", out var conditions)) throw Fail("Invalid Policy: Policy missing conditions.");
            return new PostPolicyDocument(Expiration(expiration), Conditions(conditions));
        }
    }

    private static DateTimeOffset Expiration(JsonElement element)
    {
        var text = element.ValueKind == JsonValueKind.String ? element.GetString()! : element.GetRawText();
        if (element.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParseExact(text, ExpirationFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            throw Fail($"Invalid Policy: Invalid 'expiration' value: '{text}'");
        }
        return at;
    }

    private static List<PostCondition> Conditions(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Array) throw Fail("Invalid Policy: Invalid 'conditions' value: must be a List.");
        var conditions = new List<PostCondition>(element.GetArrayLength());
        foreach (var item in element.EnumerateArray())
        {
            conditions.Add(item.ValueKind switch
            {
                JsonValueKind.Object => Simple(item),
                JsonValueKind.Array => Listed(item),
                _ => throw Fail("Invalid Policy: Invalid Condition: conditions must be objects or lists."),
            });
        }
        return conditions;
    }

    /// <summary>{"field": "value"}: exact matching, with exactly one property.</summary>
    private static PostCondition Simple(JsonElement item)
    {
        var count = 0;
        JsonProperty only = default;
        foreach (var property in item.EnumerateObject())
        {
            count++;
            only = property;
        }
        if (count != 1) throw Fail("Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.");
        if (only.Value.ValueKind != JsonValueKind.String)
        {
            throw Fail($"Invalid Policy: Invalid Simple-Condition: value of {only.Name} must be a string.");
        }
        var value = only.Value.GetString()!;
        return new PostCondition.Exact(only.Name.ToLowerInvariant(), value, Quote(["eq", "$" + only.Name, value]));
    }

    /// <summary>["eq" | "starts-with", "$field", "value"] or ["content-length-range", min, max].</summary>
    private static PostCondition Listed(JsonElement item)
    {
        var length = item.GetArrayLength();
        if (length == 0 || item[0].ValueKind != JsonValueKind.String) throw Fail("Invalid Policy: Invalid Condition: the first element must name the condition.");
        var name = item[0].GetString()!;
        if (name.Equals("content-length-range", StringComparison.OrdinalIgnoreCase))
        {
            if (length != 3 || !WholeNumber(item[1], out var min) || !WholeNumber(item[2], out var max) || min < 0 || max < min)
            {
                throw Fail("Invalid Policy: Invalid content-length-range: it takes two whole numbers, 0 <= min <= max.");
            }
            return new PostCondition.ContentLengthRange(min, max, $"[\"content-length-range\", {min}, {max}]");
        }
        var eq = name.Equals("eq", StringComparison.OrdinalIgnoreCase);
        if (!eq && !name.Equals("starts-with", StringComparison.OrdinalIgnoreCase))
        {
            throw Fail($"Invalid Policy: Invalid Condition: unknown condition '{name}'.");
        }
        if (length != 3 || item[1].ValueKind != JsonValueKind.String || item[2].ValueKind != JsonValueKind.String)
        {
            throw Fail($"Invalid Policy: Invalid {name} Condition: it takes a field and a string value.");
        }
        var field = item[1].GetString()!;
        if (field.Length < 2 || field[0] != '$') throw Fail($"Invalid Policy: Invalid {name} Condition: the field must start with '$': {field}");
        var value = item[2].GetString()!;
        var text = Quote([name, field, value]);
        var lower = field[1..].ToLowerInvariant();
        return eq ? new PostCondition.Exact(lower, value, text) : new PostCondition.StartsWith(lower, value, text);
    }

    // Some signers write the bounds as strings of digits; S3 reads either.
    private static bool WholeNumber(JsonElement element, out long value)
    {
        value = 0;
        return element.ValueKind switch
        {
            JsonValueKind.Number => element.TryGetInt64(out value),
            JsonValueKind.String => long.TryParse(element.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => false,
        };
    }

    private static string Quote(string[] parts)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i < parts.Length; i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(JsonSerializer.Serialize(parts[i]));
        }
        return text.Append(']').ToString();
    }

    private static StrataException Fail(string message) => S3Fail.Exception(StrataError.InvalidPolicyDocument, message);
}

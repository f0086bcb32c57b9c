using System.Text.Json;

namespace Strata.Core.Policies;

/// <summary>Small readers shared by the policy parser; every refusal is MalformedPolicy.</summary>
internal static class PolicyJson
{
    public static StrataException Fail(string message) => S3Fail.Exception(StrataError.MalformedPolicy, message);

    /// <summary>An element that takes "one" or ["one", "two"]: never empty, strings only.</summary>
    public static string[] StringOrArray(JsonElement element, string error)
    {
        if (element.ValueKind == JsonValueKind.String) return [element.GetString()!];
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() == 0) throw Fail(error);
        var values = new string[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) throw Fail(error);
            values[i++] = item.GetString()!;
        }
        return values;
    }

    /// <summary>A condition value: a string, number or boolean, or a non-empty array of them, as text.</summary>
    public static string[] ConditionValues(JsonElement element, string error)
    {
        if (element.ValueKind != JsonValueKind.Array) return [Scalar(element, error)];
        if (element.GetArrayLength() == 0) throw Fail(error);
        var values = new string[element.GetArrayLength()];
        var i = 0;
        foreach (var item in element.EnumerateArray()) values[i++] = Scalar(item, error);
        return values;
    }

    private static string Scalar(JsonElement element, string error) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!,
        JsonValueKind.Number => element.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw Fail(error),
    };

    /// <summary>
    /// The object's properties, refusing a name seen twice: {"Effect": "Allow", "Effect": "Deny"} must not mean
    /// whichever one a reader happens to keep.
    /// </summary>
    public static List<JsonProperty> Properties(JsonElement element, string what)
    {
        if (element.ValueKind != JsonValueKind.Object) throw Fail($"{what} must be a JSON object");
        var properties = new List<JsonProperty>();
        foreach (var property in element.EnumerateObject())
        {
            foreach (var seen in properties)
            {
                if (seen.NameEquals(property.Name)) throw Fail($"Duplicate field {property.Name}");
            }
            properties.Add(property);
        }
        return properties;
    }
}

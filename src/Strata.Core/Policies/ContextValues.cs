namespace Strata.Core.Policies;

internal static class ContextValues
{
    /// <summary>
    /// The values of a condition key, or false when the request does not carry it (an empty list counts as absent).
    /// IAM: "Context key names are not case-sensitive." A dictionary built with
    /// <see cref="StringComparer.OrdinalIgnoreCase"/> answers in one lookup; any other falls back to a scan.
    /// </summary>
    public static bool TryGet(RequestContext context, string key, out IReadOnlyList<string> values)
    {
        var all = context.ConditionValues;
        if (all.TryGetValue(key, out var found) || TryScan(all, key, out found))
        {
            values = found;
            return found.Count > 0;
        }
        values = [];
        return false;
    }

    private static bool TryScan(IReadOnlyDictionary<string, IReadOnlyList<string>> all, string key, out IReadOnlyList<string> found)
    {
        if (all is Dictionary<string, IReadOnlyList<string>> { Comparer: var comparer } && ReferenceEquals(comparer, StringComparer.OrdinalIgnoreCase))
        {
            found = [];
            return false;
        }
        foreach (var pair in all)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                found = pair.Value;
                return true;
            }
        }
        found = [];
        return false;
    }
}

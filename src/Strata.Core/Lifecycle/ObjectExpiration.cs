using System.Globalization;
using Strata.Core.Tagging;

namespace Strata.Core.Lifecycle;

/// <summary>When an object's current version expires, and by which rule: what S3 sends as x-amz-expiration.</summary>
public readonly record struct ObjectExpiry(DateTimeOffset Date, string RuleId)
{
    /// <summary>
    /// The header's value as S3 writes it: <c>expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"</c>,
    /// the rule id URL-encoded.
    /// </summary>
    public string HeaderValue() =>
        $"expiry-date=\"{Date.UtcDateTime.ToString("r", CultureInfo.InvariantCulture)}\", rule-id=\"{Uri.EscapeDataString(RuleId)}\"";
}

/// <summary>The Expiration rules applied to one object: a pure function, table-tested.</summary>
public static class ObjectExpiration
{
    /// <summary>
    /// The earliest expiry among the enabled rules with an Expiration of Days (counted from <paramref name="created"/> and
    /// rounded up to the next midnight UTC, <see cref="LifecycleClock.DueAt"/>) or a Date whose filter takes the object;
    /// null when no rule expires it.
    /// </summary>
    public static ObjectExpiry? Of(LifecycleConfiguration configuration, string key, long size, TagSet tags, DateTimeOffset created)
    {
        ObjectExpiry? earliest = null;
        IReadOnlyList<KeyValuePair<string, string>>? pairs = null;
        foreach (var rule in configuration.Rules)
        {
            if (!rule.Enabled) continue;
            DateTimeOffset? due = rule.ExpirationDays is { } days ? LifecycleClock.DueAt(created, days) : rule.ExpirationDate;
            if (due is not { } date || earliest is { } known && known.Date <= date) continue;
            pairs ??= tags.AsPairs();
            if (rule.Filter.Matches(key, size, pairs)) earliest = new ObjectExpiry(date, rule.Id);
        }
        return earliest;
    }
}

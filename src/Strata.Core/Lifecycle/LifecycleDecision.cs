namespace Strata.Core.Lifecycle;

/// <summary>One version of a key's stack as the lifecycle rules see it.</summary>
/// <param name="Created">When the version was written (its Last-Modified).</param>
/// <param name="Tags">The version's object tags (a delete marker has none).</param>
public readonly record struct StackEntry(bool IsDeleteMarker, long Size, DateTimeOffset Created, IReadOnlyList<KeyValuePair<string, string>> Tags);

/// <summary>What a lifecycle pass does to one key.</summary>
/// <param name="ExpireCurrent">The current object expired: delete it as a DELETE without versionId would
/// (a delete marker on a versioned bucket, the object itself on an unversioned one).</param>
/// <param name="RemoveVersions">Positions in the stack (0 = newest) of noncurrent versions to remove for good.</param>
/// <param name="RemoveMarker">The newest entry is a delete marker with nothing under it once the removals are done:
/// an expired object delete marker, removed.</param>
public sealed record KeyDecision(bool ExpireCurrent, IReadOnlyList<int> RemoveVersions, bool RemoveMarker)
{
    public static readonly KeyDecision Nothing = new(false, [], false);

    public bool IsNothing => !ExpireCurrent && RemoveVersions.Count == 0 && !RemoveMarker;
}

/// <summary>The lifecycle rules applied to one key's version stack at a moment: a pure function, table-tested.</summary>
public static class LifecycleDecision
{
    /// <param name="stack">The key's versions, newest first. A version's noncurrent age counts from the creation of
    /// the next newer one, the moment it stopped being current, as S3 counts it.</param>
    public static KeyDecision Decide(LifecycleConfiguration configuration, string key, IReadOnlyList<StackEntry> stack, DateTimeOffset now)
    {
        if (stack.Count == 0) return KeyDecision.Nothing;
        var expireCurrent = false;
        List<int>? remove = null;
        foreach (var rule in configuration.Rules)
        {
            if (!rule.Enabled) continue;
            var top = stack[0];
            if (!top.IsDeleteMarker && !expireCurrent && rule.Filter.Matches(key, top.Size, top.Tags) && CurrentExpired(rule, top, now))
            {
                expireCurrent = true;
            }
            if (rule.NoncurrentDays is { } days)
            {
                var keep = rule.NewerNoncurrentVersions ?? 0;
                for (var i = 1 + keep; i < stack.Count; i++)
                {
                    var version = stack[i];
                    var matches = version.IsDeleteMarker ? rule.Filter.MatchesMarker(key, version.Tags) : rule.Filter.Matches(key, version.Size, version.Tags);
                    if (!matches || !LifecycleClock.IsDue(stack[i - 1].Created, days, now)) continue;
                    remove ??= [];
                    if (!remove.Contains(i)) remove.Add(i);
                }
            }
        }
        remove?.Sort();
        var removeMarker = !expireCurrent && stack[0].IsDeleteMarker && stack.Count - 1 == (remove?.Count ?? 0) && ExpiresMarkers(configuration, key, stack[0]);
        return expireCurrent || remove is not null || removeMarker ? new KeyDecision(expireCurrent, (IReadOnlyList<int>?)remove ?? [], removeMarker) : KeyDecision.Nothing;
    }

    private static bool CurrentExpired(LifecycleRule rule, StackEntry current, DateTimeOffset now) =>
        (rule.ExpirationDays is { } days && LifecycleClock.IsDue(current.Created, days, now))
        || (rule.ExpirationDate is { } date && now >= date);

    // S3: ExpiredObjectDeleteMarker removes a delete marker that has no noncurrent version left under it.
    private static bool ExpiresMarkers(LifecycleConfiguration configuration, string key, StackEntry marker)
    {
        foreach (var rule in configuration.Rules)
        {
            if (rule.Enabled && rule.ExpiredObjectDeleteMarker == true && rule.Filter.MatchesMarker(key, marker.Tags)) return true;
        }
        return false;
    }

    /// <summary>Whether an incomplete multipart upload of <paramref name="key"/> started at <paramref name="initiated"/> is to be aborted.</summary>
    public static bool AbortsUpload(LifecycleConfiguration configuration, string key, DateTimeOffset initiated, DateTimeOffset now)
    {
        foreach (var rule in configuration.Rules)
        {
            if (rule.Enabled && rule.AbortDaysAfterInitiation is { } days && key.StartsWith(rule.Filter.Prefix, StringComparison.Ordinal)
                && LifecycleClock.IsDue(initiated, days, now))
            {
                return true;
            }
        }
        return false;
    }
}

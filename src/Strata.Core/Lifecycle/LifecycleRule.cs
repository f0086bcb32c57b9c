namespace Strata.Core.Lifecycle;

/// <summary>How a rule's filter was written, so GetBucketLifecycleConfiguration gives back the form that was sent.</summary>
public enum LifecycleFilterForm
{
    /// <summary>The legacy top-level &lt;Prefix&gt; of the rule (no &lt;Filter&gt;).</summary>
    LegacyPrefix,

    /// <summary>&lt;Filter/&gt; (or &lt;Filter&gt;&lt;/Filter&gt;): every object.</summary>
    Empty,
    Prefix,
    Tag,
    ObjectSizeGreaterThan,
    ObjectSizeLessThan,
    And,
}

/// <summary>A rule's filter: all its conditions must hold (S3's And), an empty filter holds for every object.</summary>
public sealed record LifecycleFilter(
    LifecycleFilterForm Form,
    string Prefix,
    IReadOnlyList<KeyValuePair<string, string>> Tags,
    long? ObjectSizeGreaterThan,
    long? ObjectSizeLessThan)
{
    public static readonly LifecycleFilter Everything = new(LifecycleFilterForm.Empty, "", [], null, null);

    /// <summary>Whether the rule applies to a version of <paramref name="key"/> of <paramref name="size"/> bytes with <paramref name="tags"/>.</summary>
    public bool Matches(string key, long size, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        // S3: the size conditions are strict; a delete marker (size 0) is matched by the prefix and tags alone.
        if (ObjectSizeGreaterThan is { } above && !(size > above)) return false;
        if (ObjectSizeLessThan is { } below && !(size < below)) return false;
        foreach (var tag in Tags)
        {
            if (!HasTag(tags, tag)) return false;
        }
        return true;
    }

    /// <summary>A delete marker has no size: size conditions do not keep a rule from it.</summary>
    public bool MatchesMarker(string key, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        foreach (var tag in Tags)
        {
            if (!HasTag(tags, tag)) return false;
        }
        return true;
    }

    private static bool HasTag(IReadOnlyList<KeyValuePair<string, string>> tags, KeyValuePair<string, string> wanted)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == wanted.Key && tag.Value == wanted.Value) return true;
        }
        return false;
    }
}

/// <summary>
/// One lifecycle rule as S3 has it: a filter and its actions. Days count as S3 counts them (see
/// <see cref="LifecycleClock"/>); a rule with Status Disabled is kept and shown but never applied.
/// </summary>
public sealed record LifecycleRule
{
    public required string Id { get; init; }
    public required bool Enabled { get; init; }
    public LifecycleFilter Filter { get; init; } = LifecycleFilter.Everything;

    /// <summary>Expiration/Days: the current version expires this many days after it was written.</summary>
    public int? ExpirationDays { get; init; }

    /// <summary>Expiration/Date (midnight UTC): current versions expire from this moment on.</summary>
    public DateTimeOffset? ExpirationDate { get; init; }

    /// <summary>Expiration/ExpiredObjectDeleteMarker as sent (null when absent): true removes a delete marker left alone.</summary>
    public bool? ExpiredObjectDeleteMarker { get; init; }

    /// <summary>NoncurrentVersionExpiration/NoncurrentDays: a noncurrent version goes this many days after it became noncurrent.</summary>
    public int? NoncurrentDays { get; init; }

    /// <summary>NoncurrentVersionExpiration/NewerNoncurrentVersions: this many newest noncurrent versions are kept regardless of age.</summary>
    public int? NewerNoncurrentVersions { get; init; }

    /// <summary>AbortIncompleteMultipartUpload/DaysAfterInitiation.</summary>
    public int? AbortDaysAfterInitiation { get; init; }

    public bool HasExpiration => ExpirationDays is not null || ExpirationDate is not null || ExpiredObjectDeleteMarker is not null;
}

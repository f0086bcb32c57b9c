namespace Strata.Core.Lifecycle;

/// <summary>A bucket's lifecycle configuration: validated rules, in the order they were sent.</summary>
public sealed class LifecycleConfiguration
{
    /// <summary>S3: a lifecycle configuration holds at most 1,000 rules.</summary>
    public const int MaxRules = 1000;

    /// <summary>S3: a rule's ID is at most 255 characters.</summary>
    public const int MaxIdLength = 255;

    /// <summary>S3: NewerNoncurrentVersions is 1 to 100.</summary>
    public const int MaxNewerNoncurrentVersions = 100;

    public IReadOnlyList<LifecycleRule> Rules { get; }

    private LifecycleConfiguration(IReadOnlyList<LifecycleRule> rules) => Rules = rules;

    /// <summary>Any enabled rule that aborts incomplete multipart uploads.</summary>
    public bool AbortsUploads
    {
        get
        {
            foreach (var rule in Rules)
            {
                if (rule.Enabled && rule.AbortDaysAfterInitiation is not null) return true;
            }
            return false;
        }
    }

    /// <summary>
    /// Validates the rules as PutBucketLifecycleConfiguration does: MalformedXML for the shape (no rule, more than
    /// 1,000, an Expiration with nothing in it or both Days and Date), InvalidArgument for a bad value (an ID over 255
    /// characters or used twice, a day count that is not positive, a Date not at midnight UTC, ExpiredObjectDeleteMarker
    /// beside Days or Date, NewerNoncurrentVersions outside 1..100, a rule without an action, size bounds that exclude
    /// every object), InvalidRequest for actions S3 refuses with a Tag filter.
    /// </summary>
    public static LifecycleConfiguration Create(IReadOnlyList<LifecycleRule> rules)
    {
        if (rules.Count == 0 || rules.Count > MaxRules) S3Fail.With(StrataError.MalformedXML);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (rule.Id.Length > MaxIdLength) S3Fail.With(StrataError.InvalidArgument, "ID length should not exceed allowed limit of 255");
            if (!ids.Add(rule.Id)) S3Fail.With(StrataError.InvalidArgument, "Rule ID must be unique. Found same ID for more than one rule");
            Validate(rule);
        }
        return new LifecycleConfiguration(rules);
    }

    private static void Validate(LifecycleRule rule)
    {
        if (rule.ExpirationDays is not null && rule.ExpirationDate is not null) S3Fail.With(StrataError.MalformedXML);
        if (rule.ExpiredObjectDeleteMarker is not null && (rule.ExpirationDays is not null || rule.ExpirationDate is not null))
        {
            S3Fail.With(StrataError.InvalidArgument, "ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy.");
        }
        if (rule.ExpirationDays <= 0) S3Fail.With(StrataError.InvalidArgument, "'Days' for Expiration action must be a positive integer");
        if (rule.ExpirationDate is { } date && date.ToUniversalTime().TimeOfDay != TimeSpan.Zero)
        {
            S3Fail.With(StrataError.InvalidArgument, "'Date' must be at midnight GMT");
        }
        if (rule.NoncurrentDays is null && rule.NewerNoncurrentVersions is not null) S3Fail.With(StrataError.MalformedXML);
        if (rule.NoncurrentDays <= 0)
        {
            S3Fail.With(StrataError.InvalidArgument, "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
        }
        if (rule.NewerNoncurrentVersions is < 1 or > MaxNewerNoncurrentVersions)
        {
            S3Fail.With(StrataError.InvalidArgument, "'NewerNoncurrentVersions' for NoncurrentVersionExpiration action must be a positive integer up to 100");
        }
        if (rule.AbortDaysAfterInitiation <= 0)
        {
            S3Fail.With(StrataError.InvalidArgument, "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
        }
        if (!rule.HasExpiration && rule.NoncurrentDays is null && rule.AbortDaysAfterInitiation is null)
        {
            S3Fail.With(StrataError.InvalidArgument, "At least one action needs to be specified in a rule");
        }
        var filter = rule.Filter;
        if (filter.ObjectSizeGreaterThan < 0 || filter.ObjectSizeLessThan <= 0)
        {
            S3Fail.With(StrataError.InvalidArgument, "Object size filters must be positive integers");
        }
        if (filter.ObjectSizeGreaterThan is { } above && filter.ObjectSizeLessThan is { } below && above >= below)
        {
            S3Fail.With(StrataError.InvalidArgument, "ObjectSizeGreaterThan must be less than ObjectSizeLessThan");
        }
        ValidateTags(filter.Tags);
        if (filter.Tags.Count > 0 && rule.ExpiredObjectDeleteMarker == true)
        {
            S3Fail.With(StrataError.InvalidRequest, "ExpiredObjectDeleteMarker cannot be specified with Tags.");
        }
        if (filter.Tags.Count > 0 && rule.AbortDaysAfterInitiation is not null)
        {
            S3Fail.With(StrataError.InvalidRequest, "AbortIncompleteMultipartUpload cannot be specified with Tags.");
        }
    }

    private static void ValidateTags(IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            // S3's tag limits: a key is 1 to 128 characters, a value at most 256.
            if (key.Length is 0 or > 128) S3Fail.With(StrataError.InvalidArgument, "The TagKey you have provided is invalid");
            if (value.Length > 256) S3Fail.With(StrataError.InvalidArgument, "The TagValue you have provided is invalid");
            if (!keys.Add(key)) S3Fail.With(StrataError.InvalidRequest, "Duplicate Tag Keys are not allowed.");
        }
    }
}

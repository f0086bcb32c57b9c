using Strata.Core.Lifecycle;
using Strata.Core.Tagging;

namespace Strata.Core.Tests.Lifecycle;

/// <summary>x-amz-expiration: which rule expires an object's current version and when, from S3's "How Amazon S3 calculates" page.</summary>
public sealed class ObjectExpirations
{
    private static readonly DateTimeOffset Written = new(2014, 1, 15, 10, 30, 0, TimeSpan.Zero);

    private static LifecycleRule Rule(string id, int? days = null, DateTimeOffset? date = null, LifecycleFilter? filter = null, bool enabled = true) => new()
    {
        Id = id,
        Enabled = enabled,
        Filter = filter ?? LifecycleFilter.Everything,
        ExpirationDays = days,
        ExpirationDate = date,
    };

    private static ObjectExpiry? Of(TagSet? tags = null, long size = 100, string key = "photos/a.jpg", params LifecycleRule[] rules) =>
        ObjectExpiration.Of(LifecycleConfiguration.Create(rules), key, size, tags ?? TagSet.Empty, Written);

    [Fact]
    public void Days_count_from_the_write_and_round_up_to_the_next_midnight_UTC()
    {
        // S3's example: an object created 1/15/2014 10:30 AM UTC with a 3-day rule expires at 1/19/2014 00:00 UTC.
        var expiry = Of(rules: Rule("three-days", days: 3));
        Assert.Equal(new ObjectExpiry(new DateTimeOffset(2014, 1, 19, 0, 0, 0, TimeSpan.Zero), "three-days"), expiry);
        Assert.Equal("expiry-date=\"Sun, 19 Jan 2014 00:00:00 GMT\", rule-id=\"three-days\"", expiry!.Value.HeaderValue());
    }

    [Fact]
    public void The_earliest_of_the_matching_rules_is_named_and_the_rule_id_is_url_encoded()
    {
        var expiry = Of(rules: [Rule("late", days: 30), Rule("soon & often", days: 2), Rule("fixed", date: new DateTimeOffset(2014, 3, 1, 0, 0, 0, TimeSpan.Zero))]);
        Assert.Equal("soon & often", expiry!.Value.RuleId);
        Assert.Contains("rule-id=\"soon%20%26%20often\"", expiry.Value.HeaderValue(), StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_that_do_not_take_the_object_give_no_header()
    {
        var otherPrefix = new LifecycleFilter(LifecycleFilterForm.Prefix, "logs/", [], null, null);
        var tagged = new LifecycleFilter(LifecycleFilterForm.Tag, "", [new("class", "temp")], null, null);
        Assert.Null(Of(rules: Rule("logs", days: 1, filter: otherPrefix)));
        Assert.Null(Of(rules: Rule("temp", days: 1, filter: tagged)));
        Assert.Null(Of(rules: Rule("off", days: 1, enabled: false)));
        // Rules without a current-version Expiration (noncurrent expiry, aborting uploads) say nothing about the object.
        Assert.Null(Of(rules: Rule("noncurrent") with { NoncurrentDays = 1 }));
        var temp = TagSet.Create([new Tag("class", "temp")], TagSetKind.Object);
        Assert.Equal("temp", Of(temp, rules: Rule("temp", days: 1, filter: tagged))!.Value.RuleId);
    }
}

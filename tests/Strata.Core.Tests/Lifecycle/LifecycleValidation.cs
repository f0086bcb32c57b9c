using Strata.Core.Lifecycle;

namespace Strata.Core.Tests.Lifecycle;

/// <summary>What PutBucketLifecycleConfiguration refuses, with S3's codes.</summary>
public sealed class LifecycleValidation
{
    private static LifecycleRule Rule(string id = "r") => new() { Id = id, Enabled = true, ExpirationDays = 1 };

    private static StrataException Refusal(params LifecycleRule[] rules) => Assert.Throws<StrataException>(() => LifecycleConfiguration.Create(rules));

    public static TheoryData<string, LifecycleRule, StrataError> Refused => new()
    {
        { "days zero", Rule() with { ExpirationDays = 0 }, StrataError.InvalidArgument },
        { "days negative", Rule() with { ExpirationDays = -3 }, StrataError.InvalidArgument },
        { "date not midnight", Rule() with { ExpirationDays = null, ExpirationDate = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero) }, StrataError.InvalidArgument },
        { "days and date", Rule() with { ExpirationDate = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) }, StrataError.MalformedXML },
        { "marker with days", Rule() with { ExpiredObjectDeleteMarker = true }, StrataError.InvalidArgument },
        { "noncurrent days zero", Rule() with { NoncurrentDays = 0 }, StrataError.InvalidArgument },
        { "newer 0", Rule() with { NoncurrentDays = 1, NewerNoncurrentVersions = 0 }, StrataError.InvalidArgument },
        { "newer 101", Rule() with { NoncurrentDays = 1, NewerNoncurrentVersions = 101 }, StrataError.InvalidArgument },
        { "newer without days", Rule() with { NewerNoncurrentVersions = 3 }, StrataError.MalformedXML },
        { "abort zero", Rule() with { AbortDaysAfterInitiation = 0 }, StrataError.InvalidArgument },
        { "no action", Rule() with { ExpirationDays = null }, StrataError.InvalidArgument },
        { "id 256", Rule(new string('a', 256)), StrataError.InvalidArgument },
        { "sizes crossed", Rule() with { Filter = new LifecycleFilter(LifecycleFilterForm.And, "", [], 500, 100) }, StrataError.InvalidArgument },
        { "abort with tags", Rule() with { AbortDaysAfterInitiation = 1, Filter = new LifecycleFilter(LifecycleFilterForm.Tag, "", [new("a", "b")], null, null) }, StrataError.InvalidRequest },
        { "marker with tags", Rule() with { ExpirationDays = null, ExpiredObjectDeleteMarker = true, Filter = new LifecycleFilter(LifecycleFilterForm.Tag, "", [new("a", "b")], null, null) }, StrataError.InvalidRequest },
        { "tag key twice", Rule() with { Filter = new LifecycleFilter(LifecycleFilterForm.And, "", [new("a", "b"), new("a", "c")], null, null) }, StrataError.InvalidRequest },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_bad_rule_is_refused_as_S3_refuses_it(string why, LifecycleRule rule, StrataError expected)
    {
        Assert.True(why.Length > 0);
        Assert.Equal(expected, Refusal(rule).Error);
    }

    [Fact]
    public void Rule_ids_are_unique()
    {
        var error = Refusal(Rule("same"), Rule("same"));
        Assert.Equal(StrataError.InvalidArgument, error.Error);
        Assert.Equal("Rule ID must be unique. Found same ID for more than one rule", error.Message);
    }

    [Fact]
    public void No_rules_or_more_than_a_thousand_is_malformed()
    {
        Assert.Equal(StrataError.MalformedXML, Refusal().Error);
        Assert.Equal(StrataError.MalformedXML, Refusal(Enumerable.Range(0, 1001).Select(i => Rule("r" + i)).ToArray()).Error);
        Assert.Equal(1000, LifecycleConfiguration.Create(Enumerable.Range(0, 1000).Select(i => Rule("r" + i)).ToArray()).Rules.Count);
    }

    [Fact]
    public void Every_action_S3_allows_together_is_accepted()
    {
        var configuration = LifecycleConfiguration.Create(
        [
            Rule("a") with { NoncurrentDays = 30, NewerNoncurrentVersions = 100, AbortDaysAfterInitiation = 7 },
            Rule("b") with { ExpirationDays = null, ExpiredObjectDeleteMarker = true },
            Rule("c") with { ExpirationDays = null, ExpirationDate = new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero) },
        ]);
        Assert.Equal(3, configuration.Rules.Count);
    }
}

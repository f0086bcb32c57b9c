using Strata.Core.Lifecycle;

namespace Strata.Core.Tests.Lifecycle;

/// <summary>Which versions a rule set expires, from S3's "Expiring objects" and "How Amazon S3 calculates" pages.</summary>
public sealed class LifecycleDecisions
{
    private static readonly DateTimeOffset Day0 = new(2026, 1, 15, 10, 30, 0, TimeSpan.Zero);

    private static DateTimeOffset At(double days) => Day0.AddDays(days);

    private static StackEntry Object(double createdDay, long size = 100) => new(false, size, At(createdDay), []);

    private static StackEntry Marker(double createdDay) => new(true, 0, At(createdDay), []);

    private static LifecycleConfiguration Rules(params LifecycleRule[] rules) => LifecycleConfiguration.Create(rules);

    private static LifecycleRule Rule(string id = "r", string prefix = "") => new()
    {
        Id = id,
        Enabled = true,
        Filter = new LifecycleFilter(LifecycleFilterForm.Prefix, prefix, [], null, null),
        ExpirationDays = 1,
    };

    private static KeyDecision Decide(LifecycleConfiguration rules, StackEntry[] stack, double nowDay, string key = "logs/a.txt") =>
        LifecycleDecision.Decide(rules, key, stack, At(nowDay));

    [Theory]
    // Written 2026-01-15 10:30, 3 days: due at the midnight after 01-18 10:30, 2026-01-19 00:00 UTC.
    [InlineData(3.0, false)]
    [InlineData(3.56, false)]
    [InlineData(3.5625, true)] // 01-19 00:00
    [InlineData(10, true)]
    public void A_current_version_expires_at_the_midnight_after_its_days(double nowDay, bool expired)
    {
        var rules = Rules(Rule() with { ExpirationDays = 3 });
        Assert.Equal(expired, Decide(rules, [Object(0)], nowDay).ExpireCurrent);
    }

    [Fact]
    public void Due_time_rounds_up_to_midnight_UTC()
    {
        Assert.Equal(new DateTimeOffset(2026, 1, 19, 0, 0, 0, TimeSpan.Zero), LifecycleClock.DueAt(Day0, 3));
        var midnight = new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(midnight.AddDays(2), LifecycleClock.DueAt(midnight, 2));
    }

    [Fact]
    public void A_date_expires_current_versions_from_that_midnight_on()
    {
        var rules = Rules(Rule() with { ExpirationDays = null, ExpirationDate = new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero) });
        Assert.False(Decide(rules, [Object(0)], 16).ExpireCurrent); // 01-31 10:30
        Assert.True(Decide(rules, [Object(0)], 17).ExpireCurrent);  // 02-01 10:30
    }

    [Fact]
    public void A_delete_marker_on_top_is_not_expired_again()
    {
        var rules = Rules(Rule());
        var decision = Decide(rules, [Marker(1), Object(0)], 30);
        Assert.False(decision.ExpireCurrent);
        Assert.Empty(decision.RemoveVersions);
    }

    [Fact]
    public void Rules_apply_only_to_keys_under_their_prefix()
    {
        var rules = Rules(Rule(prefix: "tmp/"));
        Assert.True(Decide(rules, [Object(0)], 30, key: "tmp/x").ExpireCurrent);
        Assert.True(Decide(rules, [Object(0)], 30, key: "logs/x").IsNothing);
    }

    [Fact]
    public void A_disabled_rule_does_nothing()
    {
        var rules = Rules(Rule() with { Enabled = false });
        Assert.True(Decide(rules, [Object(0)], 30).IsNothing);
    }

    [Fact]
    public void Noncurrent_days_count_from_when_the_next_version_was_written()
    {
        // v0 written day 0, replaced day 10 by v1, replaced day 20 by v2 (current).
        var rules = Rules(Rule() with { ExpirationDays = null, NoncurrentDays = 5 });
        StackEntry[] stack = [Object(20), Object(10), Object(0)];
        Assert.Equal([2], Decide(rules, stack, 16).RemoveVersions);    // v0 noncurrent since day 10 (due day 15.56)
        Assert.Equal([1, 2], Decide(rules, stack, 26).RemoveVersions); // v1 noncurrent since day 20
        Assert.Empty(Decide(rules, stack, 14).RemoveVersions);
    }

    [Fact]
    public void Newer_noncurrent_versions_are_kept_however_old()
    {
        var rules = Rules(Rule() with { ExpirationDays = null, NoncurrentDays = 1, NewerNoncurrentVersions = 2 });
        StackEntry[] stack = [Object(5), Object(4), Object(3), Object(2), Object(1), Object(0)];
        Assert.Equal([3, 4, 5], Decide(rules, stack, 100).RemoveVersions);
    }

    [Fact]
    public void Noncurrent_delete_markers_expire_like_noncurrent_versions()
    {
        var rules = Rules(Rule() with { ExpirationDays = null, NoncurrentDays = 1 });
        Assert.Equal([1, 2], Decide(rules, [Object(10), Marker(5), Object(0)], 30).RemoveVersions);
    }

    [Fact]
    public void An_expired_object_delete_marker_is_removed_once_nothing_is_under_it()
    {
        var rules = Rules(Rule() with { ExpirationDays = null, ExpiredObjectDeleteMarker = true });
        Assert.True(Decide(rules, [Marker(3)], 4).RemoveMarker);
        Assert.False(Decide(rules, [Marker(3), Object(0)], 4).RemoveMarker);
    }

    [Fact]
    public void A_marker_whose_versions_expire_in_the_same_pass_goes_with_them()
    {
        var rules = Rules(Rule("markers") with { ExpirationDays = null, ExpiredObjectDeleteMarker = true },
            Rule("old") with { ExpirationDays = null, NoncurrentDays = 1 });
        var decision = Decide(rules, [Marker(3), Object(0)], 10);
        Assert.Equal([1], decision.RemoveVersions);
        Assert.True(decision.RemoveMarker);
    }

    [Fact]
    public void Without_ExpiredObjectDeleteMarker_a_lone_marker_stays()
    {
        Assert.True(Decide(Rules(Rule()), [Marker(3)], 40).IsNothing);
    }

    [Theory]
    [InlineData(100, false)]
    [InlineData(1000, true)]
    [InlineData(5000, false)]
    public void Size_bounds_are_strict(long size, bool expired)
    {
        var rules = Rules(Rule() with { Filter = new LifecycleFilter(LifecycleFilterForm.And, "", [], 100, 5000) });
        Assert.Equal(expired, Decide(rules, [Object(0, size)], 30).ExpireCurrent);
    }

    [Fact]
    public void A_tag_filter_matches_only_versions_with_that_tag()
    {
        var rules = Rules(Rule() with { Filter = new LifecycleFilter(LifecycleFilterForm.Tag, "", [new("class", "tmp")], null, null) });
        Assert.True(Decide(rules, [Object(0)], 30).IsNothing);
        StackEntry tagged = new(false, 10, At(0), [new("class", "tmp"), new("owner", "x")]);
        Assert.True(Decide(rules, [tagged], 30).ExpireCurrent);
    }

    [Fact]
    public void Expiring_the_current_version_and_old_noncurrent_ones_happen_together()
    {
        var rules = Rules(Rule() with { ExpirationDays = 30, NoncurrentDays = 7 });
        var decision = Decide(rules, [Object(40), Object(0)], 80);
        Assert.True(decision.ExpireCurrent);
        Assert.Equal([1], decision.RemoveVersions);
        Assert.False(decision.RemoveMarker);
    }

    [Theory]
    [InlineData(1.5, false)]
    [InlineData(2.6, true)]
    public void Uploads_are_aborted_days_after_initiation(double nowDay, bool aborted)
    {
        var rules = Rules(Rule() with { ExpirationDays = null, AbortDaysAfterInitiation = 2 });
        Assert.Equal(aborted, LifecycleDecision.AbortsUpload(rules, "logs/big", Day0, At(nowDay)));
        Assert.False(LifecycleDecision.AbortsUpload(Rules(Rule(prefix: "tmp/") with { ExpirationDays = null, AbortDaysAfterInitiation = 2 }), "logs/big", Day0, At(9)));
    }
}

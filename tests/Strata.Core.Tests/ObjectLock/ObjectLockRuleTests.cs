using Strata.Core.ObjectLock;

namespace Strata.Core.Tests.ObjectLock;

/// <summary>S3 Object Lock's rules ("Locking objects with Object Lock", "Object Lock considerations") as tables.</summary>
public sealed class ObjectLockRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    private static ObjectRetention? Retention(string? mode, int daysFromNow) => mode is null
        ? null
        : new ObjectRetention(mode == "COMPLIANCE" ? ObjectLockMode.Compliance : ObjectLockMode.Governance, Now.AddDays(daysFromNow));

    [Theory]
    // mode, days until the date (negative: passed), legal hold, bypass → may delete for good
    [InlineData(null, 0, null, false, true)]
    [InlineData(null, 0, false, false, true)]
    [InlineData(null, 0, true, false, false)]
    [InlineData(null, 0, true, true, false)]             // a legal hold yields to no bypass
    [InlineData("GOVERNANCE", 1, null, false, false)]
    [InlineData("GOVERNANCE", 1, null, true, true)]       // the one thing a bypass lifts
    [InlineData("GOVERNANCE", 1, true, true, false)]
    [InlineData("GOVERNANCE", -1, null, false, true)]     // the date has passed
    [InlineData("COMPLIANCE", 1, null, false, false)]
    [InlineData("COMPLIANCE", 1, null, true, false)]      // nobody, root included
    [InlineData("COMPLIANCE", -1, null, false, true)]
    [InlineData("COMPLIANCE", -1, true, false, false)]
    public void A_version_is_deleted_for_good_only_when_nothing_protects_it(string? mode, int days, bool? legalHold, bool bypass, bool allowed)
    {
        var state = new ObjectLockState(Retention(mode, days), legalHold);
        var refusal = ObjectLockRules.PermanentDelete(state, bypass, Now);
        Assert.Equal(allowed, refusal is null);
        if (refusal is not null) Assert.Equal(StrataError.AccessDenied, refusal.Error);
        if (!allowed) Assert.True(state.IsLockedAt(Now)); // only a locked version is ever refused
    }

    [Fact]
    public void The_retain_until_instant_itself_no_longer_protects()
    {
        var state = new ObjectLockState(new ObjectRetention(ObjectLockMode.Compliance, Now), null);
        Assert.False(state.IsLockedAt(Now));
        Assert.True(state.IsLockedAt(Now.AddTicks(-1)));
        Assert.Null(ObjectLockRules.PermanentDelete(state, false, Now));
    }

    [Theory]
    // current mode and days, requested mode and days (null: remove), bypass → outcome
    [InlineData(null, 0, "GOVERNANCE", 5, false, null)]
    [InlineData(null, 0, "COMPLIANCE", 5, false, null)]
    [InlineData("GOVERNANCE", 5, "GOVERNANCE", 6, false, null)]          // extend
    [InlineData("GOVERNANCE", 5, "GOVERNANCE", 5, false, null)]          // same date
    [InlineData("GOVERNANCE", 5, "GOVERNANCE", 4, false, "AccessDenied")] // shorten
    [InlineData("GOVERNANCE", 5, "GOVERNANCE", 4, true, null)]
    [InlineData("GOVERNANCE", 5, null, 0, false, "AccessDenied")]         // remove
    [InlineData("GOVERNANCE", 5, null, 0, true, null)]
    [InlineData("GOVERNANCE", 5, "COMPLIANCE", 5, false, "AccessDenied")] // change of mode: s3-tests' changing_mode_from_governance
    [InlineData("GOVERNANCE", 5, "COMPLIANCE", 5, true, null)]
    [InlineData("COMPLIANCE", 5, "COMPLIANCE", 6, false, null)]           // compliance can be extended
    [InlineData("COMPLIANCE", 5, "COMPLIANCE", 4, true, "AccessDenied")]  // never shortened
    [InlineData("COMPLIANCE", 5, null, 0, true, "AccessDenied")]          // never removed
    [InlineData("COMPLIANCE", 5, "GOVERNANCE", 6, true, "AccessDenied")]  // never weakened
    [InlineData("COMPLIANCE", -1, "GOVERNANCE", 1, false, null)]          // once passed, anything
    [InlineData("COMPLIANCE", -1, null, 0, false, null)]
    [InlineData(null, 0, "GOVERNANCE", -1, false, "InvalidArgument")]     // a date in the past
    [InlineData("GOVERNANCE", 5, "GOVERNANCE", -1, true, "InvalidArgument")]
    public void Retention_changes_follow_the_mode(string? mode, int days, string? newMode, int newDays, bool bypass, string? error)
    {
        var refusal = ObjectLockRules.RetentionChange(Retention(mode, days), Retention(newMode, newDays), bypass, Now);
        Assert.Equal(error, refusal?.Error.ToString());
    }

    [Fact]
    public void A_new_version_gets_the_bucket_default_from_its_upload_time_unless_it_asks_for_its_own()
    {
        var days = new ObjectLockConfiguration(new DefaultRetention(ObjectLockMode.Governance, 30, null));
        var (fromDefault, _) = ObjectLockRules.ForNewVersion(days, ObjectLockState.None, Now);
        Assert.Equal(new ObjectRetention(ObjectLockMode.Governance, Now.AddDays(30)), fromDefault.Retention);
        Assert.Null(fromDefault.LegalHold);

        var years = new ObjectLockConfiguration(new DefaultRetention(ObjectLockMode.Compliance, null, 2));
        Assert.Equal(new ObjectRetention(ObjectLockMode.Compliance, Now.AddYears(2)), ObjectLockRules.ForNewVersion(years, ObjectLockState.None, Now).State.Retention);

        var own = new ObjectLockState(new ObjectRetention(ObjectLockMode.Compliance, Now.AddDays(1)), true);
        Assert.Equal(own, ObjectLockRules.ForNewVersion(days, own, Now).State);

        // A legal hold alone still gets the default retention beside it.
        var holdOnly = ObjectLockRules.ForNewVersion(days, new ObjectLockState(null, true), Now).State;
        Assert.Equal(Now.AddDays(30), holdOnly.Retention?.RetainUntil);
        Assert.True(holdOnly.LegalHold);

        Assert.Equal(ObjectLockState.None, ObjectLockRules.ForNewVersion(ObjectLockConfiguration.Enabled, ObjectLockState.None, Now).State);
    }

    [Fact]
    public void Lock_headers_need_a_bucket_with_Object_Lock_and_a_future_date()
    {
        var asked = new ObjectLockState(new ObjectRetention(ObjectLockMode.Governance, Now.AddDays(1)), null);
        Assert.Equal(StrataError.InvalidRequest, ObjectLockRules.ForNewVersion(null, asked, Now).Refusal?.Error);
        Assert.Equal(StrataError.InvalidRequest, ObjectLockRules.ForNewVersion(null, new ObjectLockState(null, false), Now).Refusal?.Error);
        Assert.Null(ObjectLockRules.ForNewVersion(null, ObjectLockState.None, Now).Refusal);
        var past = new ObjectLockState(new ObjectRetention(ObjectLockMode.Governance, Now.AddSeconds(-1)), null);
        Assert.Equal(StrataError.InvalidArgument, ObjectLockRules.ForNewVersion(ObjectLockConfiguration.Enabled, past, Now).Refusal?.Error);
    }

    [Theory]
    [InlineData(null, null, null)]
    [InlineData(ObjectLockMode.Governance, 1, null)]
    [InlineData(ObjectLockMode.Compliance, null, 3)]
    public void A_configuration_reads_back_as_stored(ObjectLockMode? mode, int? days, int? years)
    {
        var configuration = mode is { } m ? new ObjectLockConfiguration(new DefaultRetention(m, days, years)) : ObjectLockConfiguration.Enabled;
        Assert.Equal(configuration, ObjectLockConfiguration.Deserialize(configuration.Serialize()));
    }
}

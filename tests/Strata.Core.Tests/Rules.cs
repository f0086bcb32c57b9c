namespace Strata.Core.Tests;

public sealed class Rules
{
    [Fact]
    public void Put_on_an_enabled_bucket_pushes_a_fresh_version_and_keeps_the_rest()
    {
        var decision = VersionStack.Put(VersioningState.Enabled);
        Assert.False(decision.NewVersion.IsNull);
        Assert.False(decision.ReplacesNullVersion);
    }

    [Theory]
    [InlineData(VersioningState.Unversioned)]
    [InlineData(VersioningState.Suspended)]
    public void Put_while_unversioned_or_suspended_replaces_the_null_version(VersioningState state)
    {
        var decision = VersionStack.Put(state);
        Assert.True(decision.NewVersion.IsNull);
        Assert.True(decision.ReplacesNullVersion);
    }

    [Fact]
    public void Delete_decisions_follow_the_bucket_state()
    {
        Assert.IsType<DeleteDecision.AddMarker>(VersionStack.Delete(VersioningState.Enabled, MfaDeleteState.NeverSet, null, false));
        Assert.IsType<DeleteDecision.AddNullMarker>(VersionStack.Delete(VersioningState.Suspended, MfaDeleteState.NeverSet, null, false));
        Assert.IsType<DeleteDecision.RemoveNullVersion>(VersionStack.Delete(VersioningState.Unversioned, MfaDeleteState.NeverSet, null, false));
        var id = VersionId.NewId();
        foreach (var state in Enum.GetValues<VersioningState>())
        {
            Assert.Equal(new DeleteDecision.RemoveVersion(id), VersionStack.Delete(state, MfaDeleteState.Disabled, id, mfaVerified: false));
        }
    }

    [Fact]
    public void With_MFA_Delete_on_only_a_verified_code_removes_a_version_and_plain_deletes_need_none()
    {
        var id = VersionId.NewId();
        var refused = Assert.IsType<DeleteDecision.Refuse>(VersionStack.Delete(VersioningState.Enabled, MfaDeleteState.Enabled, id, mfaVerified: false));
        Assert.Equal(StrataError.AccessDenied, refused.Error);
        Assert.Equal(new DeleteDecision.RemoveVersion(id), VersionStack.Delete(VersioningState.Enabled, MfaDeleteState.Enabled, id, mfaVerified: true));
        Assert.IsType<DeleteDecision.AddMarker>(VersionStack.Delete(VersioningState.Enabled, MfaDeleteState.Enabled, null, mfaVerified: false));
    }

    [Fact]
    public void Versioning_changes_need_a_code_while_MFA_Delete_is_on_and_to_turn_it_on()
    {
        Assert.IsType<VersioningDecision.Refuse>(VersionStack.Configure(VersioningState.Enabled, MfaDeleteState.NeverSet, null, MfaDeleteState.Enabled, mfaVerified: false));
        Assert.Equal(new VersioningDecision.Apply(VersioningState.Enabled, MfaDeleteState.Enabled),
            VersionStack.Configure(VersioningState.Enabled, MfaDeleteState.NeverSet, null, MfaDeleteState.Enabled, mfaVerified: true));
        Assert.IsType<VersioningDecision.Refuse>(VersionStack.Configure(VersioningState.Enabled, MfaDeleteState.Enabled, VersioningState.Suspended, null, mfaVerified: false));
        Assert.Equal(new VersioningDecision.Apply(VersioningState.Suspended, MfaDeleteState.Disabled),
            VersionStack.Configure(VersioningState.Enabled, MfaDeleteState.Disabled, VersioningState.Suspended, null, mfaVerified: false));
        Assert.IsType<VersioningDecision.Refuse>(VersionStack.Configure(VersioningState.Enabled, MfaDeleteState.Enabled, null, MfaDeleteState.Disabled, mfaVerified: false));
    }

    [Theory]
    [InlineData(MfaDeleteState.NeverSet)]
    [InlineData(MfaDeleteState.Disabled)]
    public void Saying_MFA_Delete_is_Disabled_when_it_is_not_on_needs_no_code(MfaDeleteState current)
    {
        Assert.Equal(new VersioningDecision.Apply(VersioningState.Enabled, MfaDeleteState.Disabled),
            VersionStack.Configure(VersioningState.Unversioned, current, VersioningState.Enabled, MfaDeleteState.Disabled, mfaVerified: false));
    }

    [Fact]
    public void A_bucket_never_returns_to_unversioned()
    {
        Assert.False(VersionStack.CanTransition(VersioningState.Enabled, VersioningState.Unversioned));
        Assert.False(VersionStack.CanTransition(VersioningState.Suspended, VersioningState.Unversioned));
        Assert.True(VersionStack.CanTransition(VersioningState.Enabled, VersioningState.Suspended));
        Assert.True(VersionStack.CanTransition(VersioningState.Unversioned, VersioningState.Suspended));
    }

    [Theory]
    [InlineData("bytes=0-9", 100L, 0L, 9L)]
    [InlineData("bytes=90-", 100L, 90L, 99L)]
    [InlineData("bytes=-10", 100L, 90L, 99L)]
    [InlineData("bytes=-500", 100L, 0L, 99L)]
    [InlineData("bytes=50-5000", 100L, 50L, 99L)]
    public void Ranges_resolve_against_the_object_length(string header, long length, long first, long last) =>
        Assert.Equal(new ByteRange(first, last), ByteRange.Parse(header, length));

    [Theory]
    [InlineData("bytes=100-", 100L)]
    [InlineData("bytes=-0", 100L)]
    [InlineData("bytes=0-0", 0L)]
    public void Unsatisfiable_ranges_are_InvalidRange(string header, long length) =>
        Assert.Equal(StrataError.InvalidRange, Assert.Throws<StrataException>(() => ByteRange.Parse(header, length)).Error);

    [Theory]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=0-1,3-4")]
    [InlineData("items=0-1")]
    [InlineData("bytes=a-b")]
    public void Ranges_S3_ignores_serve_the_whole_object(string header) => Assert.Null(ByteRange.Parse(header, 100));

    private static readonly DateTimeOffset Modified = new(2026, 11, 1, 12, 0, 0, 500, TimeSpan.Zero);

    [Theory]
    [InlineData("\"abc\"", null, null, null, PreconditionOutcome.Proceed)]
    [InlineData("\"other\"", null, null, null, PreconditionOutcome.PreconditionFailed)]
    [InlineData("*", null, null, null, PreconditionOutcome.Proceed)]
    [InlineData(null, "\"abc\"", null, null, PreconditionOutcome.NotModified)]
    [InlineData(null, "\"x\", \"abc\"", null, null, PreconditionOutcome.NotModified)]
    [InlineData(null, "\"other\"", null, null, PreconditionOutcome.Proceed)]
    [InlineData(null, null, "2026-11-01T12:00:00Z", null, PreconditionOutcome.NotModified)] // same second: not modified since
    [InlineData(null, null, "2026-11-01T11:59:59Z", null, PreconditionOutcome.Proceed)]
    [InlineData(null, null, null, "2026-11-01T11:59:59Z", PreconditionOutcome.PreconditionFailed)]
    [InlineData(null, null, null, "2026-11-01T12:00:00Z", PreconditionOutcome.Proceed)]
    // S3: If-Match true with If-Unmodified-Since false answers the object; If-None-Match false with If-Modified-Since true, 304.
    [InlineData("\"abc\"", null, null, "2026-01-01T00:00:00Z", PreconditionOutcome.Proceed)]
    [InlineData(null, "\"other\"", "2027-01-01T00:00:00Z", null, PreconditionOutcome.Proceed)]
    public void Conditional_headers_decide_in_S3s_order(string? ifMatch, string? ifNoneMatch, string? modifiedSince, string? unmodifiedSince, PreconditionOutcome expected)
    {
        var conditions = new Preconditions(ifMatch, ifNoneMatch,
            modifiedSince is null ? null : DateTimeOffset.Parse(modifiedSince, System.Globalization.CultureInfo.InvariantCulture),
            unmodifiedSince is null ? null : DateTimeOffset.Parse(unmodifiedSince, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, conditions.Evaluate("\"abc\"", Modified));
    }

    [Fact]
    public void Copy_source_conditions_fail_with_412_where_a_get_would_say_304()
    {
        var conditions = new Preconditions(null, "\"abc\"", null, null);
        Assert.Equal(PreconditionOutcome.PreconditionFailed, conditions.EvaluateForCopySource("\"abc\"", Modified));
    }
}

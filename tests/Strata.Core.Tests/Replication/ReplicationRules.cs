using Strata.Core.Replication;
using Strata.Core.Tagging;

namespace Strata.Core.Tests.Replication;

/// <summary>Which rule replicates a version or delete marker, and what PutBucketReplication refuses, from S3's replication configuration pages.</summary>
public sealed class ReplicationRules
{
    private static ReplicationDestination To(string bucket) =>
        ReplicationDestination.TryParse("arn:strata:remote:offsite:" + bucket, out var d) ? d : throw new InvalidOperationException();

    private static ReplicationRule Rule(string id, string prefix = "", int? priority = null, bool markers = true, bool enabled = true, params Tag[] tags) => new()
    {
        Id = id,
        Priority = priority,
        Enabled = enabled,
        Filter = new ReplicationFilter(tags.Length > 0 ? ReplicationFilterForm.And : ReplicationFilterForm.Prefix, prefix, tags),
        DeleteMarkerReplication = markers,
        Destination = To(id + "-bucket"),
    };

    [Fact]
    public void The_highest_priority_of_the_matching_rules_wins()
    {
        var rules = ReplicationConfiguration.Create(null, [Rule("all", priority: 1), Rule("media", "media/", priority: 2), Rule("off", "media/", priority: 9, enabled: false)]);

        Assert.Equal("media", rules.Match("media/a.jpg", [], isDeleteMarker: false)?.Id);
        Assert.Equal("all", rules.Match("docs/a.txt", [], isDeleteMarker: false)?.Id);
    }

    [Fact]
    public void A_marker_follows_the_winning_rules_DeleteMarkerReplication()
    {
        var rules = ReplicationConfiguration.Create(null, [Rule("all", priority: 1), Rule("media", "media/", priority: 2, markers: false)]);

        Assert.Null(rules.Match("media/a.jpg", [], isDeleteMarker: true));
        Assert.Equal("all", rules.Match("docs/a.txt", [], isDeleteMarker: true)?.Id);
    }

    [Fact]
    public void A_tag_rule_needs_every_tag_and_never_takes_a_marker()
    {
        var rules = ReplicationConfiguration.Create(null, [Rule("tagged", "", 1, false, true, new Tag("a", "1"), new Tag("b", "2"))]);

        Assert.Equal("tagged", rules.Match("x", [new Tag("b", "2"), new Tag("a", "1"), new Tag("c", "3")], false)?.Id);
        Assert.Null(rules.Match("x", [new Tag("a", "1")], false));
        Assert.Null(rules.Match("x", [], true));
    }

    [Fact]
    public void The_legacy_prefix_form_replicates_markers()
    {
        var rule = Rule("old") with { Filter = new ReplicationFilter(ReplicationFilterForm.LegacyPrefix, "logs/", []), DeleteMarkerReplication = null };
        var rules = ReplicationConfiguration.Create(null, [rule]);

        Assert.Equal("old", rules.Match("logs/1", [], true)?.Id);
    }

    [Theory]
    [InlineData("same-id")]
    [InlineData("same-priority")]
    [InlineData("tag-with-markers")]
    [InlineData("filter-without-markers")]
    [InlineData("mixed-forms")]
    public void Invalid_configurations_are_InvalidRequest(string problem)
    {
        ReplicationRule[] rules = problem switch
        {
            "same-id" => [Rule("a", priority: 1), Rule("a", priority: 2)],
            "same-priority" => [Rule("a", priority: 1), Rule("b", priority: 1)],
            "tag-with-markers" => [Rule("a", "", 1, true, true, new Tag("k", "v"))],
            "filter-without-markers" => [Rule("a") with { DeleteMarkerReplication = null }],
            _ => [Rule("a", priority: 1), Rule("b") with { Filter = new ReplicationFilter(ReplicationFilterForm.LegacyPrefix, "", []), DeleteMarkerReplication = null }],
        };

        var error = Assert.Throws<StrataException>(() => ReplicationConfiguration.Create(null, rules));
        Assert.Equal(StrataError.InvalidRequest, error.Error);
    }

    [Theory]
    [InlineData("arn:strata:remote:offsite:media", "offsite", "media")]
    [InlineData("arn:aws:s3:::media-copy", null, "media-copy")]
    public void Destinations_name_a_remote_or_this_server(string arn, string? remote, string bucket)
    {
        Assert.True(ReplicationDestination.TryParse(arn, out var destination));
        Assert.Equal(remote, destination.Remote);
        Assert.Equal(bucket, destination.Bucket);
    }

    [Theory]
    [InlineData("arn:aws:s3:::")]
    [InlineData("arn:strata:remote::media")]
    [InlineData("arn:strata:remote:a:b:Bad_Bucket")]
    [InlineData("media")]
    public void Other_destinations_are_refused(string arn) => Assert.False(ReplicationDestination.TryParse(arn, out _));

    [Fact]
    public void The_stored_form_reads_back_the_same_rules()
    {
        var rules = ReplicationConfiguration.Create("arn:aws:iam::1:role/r", [Rule("all", priority: 1), Rule("t", "p/", 2, false, false, new Tag("k", "v"))]);

        var back = ReplicationConfiguration.Deserialize(rules.Serialize());

        Assert.Equal(rules.Role, back.Role);
        Assert.Equal(rules.Rules.Count, back.Rules.Count);
        for (var i = 0; i < rules.Rules.Count; i++)
        {
            Assert.Equal(rules.Rules[i].Id, back.Rules[i].Id);
            Assert.Equal(rules.Rules[i].Priority, back.Rules[i].Priority);
            Assert.Equal(rules.Rules[i].Enabled, back.Rules[i].Enabled);
            Assert.Equal(rules.Rules[i].Filter.Prefix, back.Rules[i].Filter.Prefix);
            Assert.Equal(rules.Rules[i].Filter.Tags, back.Rules[i].Filter.Tags);
            Assert.Equal(rules.Rules[i].DeleteMarkerReplication, back.Rules[i].DeleteMarkerReplication);
            Assert.Equal(rules.Rules[i].Destination, back.Rules[i].Destination);
        }
    }
}

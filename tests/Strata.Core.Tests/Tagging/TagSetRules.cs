using Strata.Core.Tagging;

namespace Strata.Core.Tests.Tagging;

/// <summary>S3's tag limits ("Categorizing your storage using tags", "User-defined tag restrictions") and the x-amz-tagging header form.</summary>
public sealed class TagSetRules
{
    private static List<Tag> Numbered(int count)
    {
        var tags = new List<Tag>();
        for (var i = 0; i < count; i++) tags.Add(new Tag(i.ToString(System.Globalization.CultureInfo.InvariantCulture), "v"));
        return tags;
    }

    private static StrataException Refusal(Action act) => Assert.Throws<StrataException>(act);

    [Fact]
    public void Ten_object_tags_are_allowed_and_eleven_are_InvalidTag()
    {
        Assert.Equal(10, TagSet.Create(Numbered(10), TagSetKind.Object).Count);
        var refusal = Refusal(() => TagSet.Create(Numbered(11), TagSetKind.Object));
        Assert.Equal(StrataError.InvalidTag, refusal.Error);
        Assert.Equal("Object tags cannot be greater than 10", refusal.Message);
    }

    [Fact]
    public void Eleven_tags_in_the_header_are_BadRequest()
    {
        Assert.Equal(StrataError.BadRequest, Refusal(() => TagSet.ParseHeader("0=a&1&2&3&4&5&6&7&8&9&10")).Error);
    }

    [Fact]
    public void A_bucket_takes_fifty_tags_and_not_fifty_one()
    {
        Assert.Equal(50, TagSet.Create(Numbered(50), TagSetKind.Bucket).Count);
        Assert.Equal(StrataError.InvalidTag, Refusal(() => TagSet.Create(Numbered(51), TagSetKind.Bucket)).Error);
    }

    [Theory]
    [InlineData(128, 256, null)]
    [InlineData(129, 1, "The TagKey you have provided is too long, max 128")]
    [InlineData(1, 257, "The TagValue you have provided is too long, max 256")]
    [InlineData(0, 1, "The TagKey you have provided is invalid")]
    [InlineData(1, 0, null)] // an empty value is a tag too
    public void Keys_and_values_have_lengths_in_characters(int keyLength, int valueLength, string? message)
    {
        var tags = new[] { new Tag(new string('k', keyLength), new string('v', valueLength)) };
        if (message is null)
        {
            Assert.Equal(1, TagSet.Create(tags, TagSetKind.Object).Count);
            return;
        }
        var refusal = Refusal(() => TagSet.Create(tags, TagSetKind.Object));
        Assert.Equal((StrataError.InvalidTag, message), (refusal.Error, refusal.Message));
    }

    [Fact]
    public void Length_counts_UTF16_code_units_as_S3_does()
    {
        var emoji = "\U0001F600"; // two UTF-16 units, and not a letter either
        Assert.Equal(StrataError.InvalidTag, Refusal(() => TagSet.Create([new Tag("k", emoji)], TagSetKind.Object)).Error);
        var han = new string('字', 128); // letters of any script count one each
        Assert.Equal(han, TagSet.Create([new Tag(han, "ü")], TagSetKind.Object).Tags[0].Key);
    }

    [Theory]
    [InlineData("Project", "Blue team + 2 = 3.0_a:b/c@d-e", true)]
    [InlineData("Ärger", "日本語 ١٢٣", true)]
    [InlineData("a#b", "v", false)]
    [InlineData("a", "v?", false)]
    [InlineData("a", "tab\there", false)]
    [InlineData("a", "<x>", false)]
    [InlineData("a,b", "v", false)]
    public void Letters_numbers_spaces_and_the_listed_symbols_are_allowed(string key, string value, bool allowed)
    {
        var tags = new[] { new Tag(key, value) };
        if (allowed) Assert.Equal(value, TagSet.Create(tags, TagSetKind.Object).Get(key));
        else Assert.Equal(StrataError.InvalidTag, Refusal(() => TagSet.Create(tags, TagSetKind.Object)).Error);
    }

    [Fact]
    public void Keys_are_unique_and_case_sensitive()
    {
        var refusal = Refusal(() => TagSet.Create([new Tag("a", "1"), new Tag("a", "2")], TagSetKind.Object));
        Assert.Equal((StrataError.InvalidTag, "Cannot provide multiple Tags with the same key"), (refusal.Error, refusal.Message));
        var set = TagSet.Create([new Tag("a", "1"), new Tag("A", "2")], TagSetKind.Object);
        Assert.Equal(("1", "2", (string?)null), (set.Get("a"), set.Get("A"), set.Get("b")));
    }

    [Fact]
    public void The_aws_prefix_is_reserved()
    {
        Assert.Equal(StrataError.InvalidTag, Refusal(() => TagSet.Create([new Tag("aws:createdBy", "me")], TagSetKind.Object)).Error);
    }

    [Theory]
    [InlineData("foo=bar&bar", "bar=|foo=bar")] // listed in key order, as S3 lists them
    [InlineData("a=1&b=2", "a=1|b=2")]
    [InlineData("", "")]
    [InlineData("k%20ey=v%2Bal+ue", "k ey=v+al ue")]
    [InlineData("caf%C3%A9=%E6%97%A5", "café=日")]
    [InlineData("a=x%3Dy", "a=x=y")]
    public void The_header_is_a_URL_encoded_query_string(string header, string expected)
    {
        var set = TagSet.ParseHeader(header);
        Assert.Equal(expected, string.Join('|', set.Tags.Select(t => t.Key + "=" + t.Value)));
    }

    [Theory]
    [InlineData("a=1&a=2")] // a repeated name
    [InlineData("a=%zz")] // a broken escape
    [InlineData("a=%C3")] // not UTF-8
    public void A_malformed_header_is_InvalidArgument(string header)
    {
        var refusal = Refusal(() => TagSet.ParseHeader(header));
        Assert.Equal(StrataError.InvalidArgument, refusal.Error);
        Assert.Contains("x-amz-tagging", refusal.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_header_form_is_validated_like_a_body()
    {
        Assert.Equal(StrataError.InvalidTag, Refusal(() => TagSet.ParseHeader("a=" + new string('v', 257))).Error);
    }

    [Fact]
    public void The_stored_form_round_trips_in_key_order()
    {
        var set = TagSet.Create([new Tag("z", "a+b=c d"), new Tag("é k", ""), new Tag("a", "x/y:@_.-")], TagSetKind.Object);
        var back = TagSet.Deserialize(set.Serialize());
        Assert.Equal(set.Tags, back.Tags);
        Assert.Equal(["a", "z", "é k"], back.Tags.Select(t => t.Key));
        Assert.Null(TagSet.Empty.Serialize());
        Assert.True(TagSet.Deserialize(null).IsEmpty);
    }
}

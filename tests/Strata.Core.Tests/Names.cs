namespace Strata.Core.Tests;

public sealed class Names
{
    [Theory]
    [InlineData("abc", true)]
    [InlineData("my.media-bucket-01", true)]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123", true)]
    [InlineData("ab", false)]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234", false)]
    [InlineData("Media", false)]
    [InlineData("media_bucket", false)]
    [InlineData("-media", false)]
    [InlineData("media-", false)]
    [InlineData("me..dia", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("xn--bucket", false)]
    [InlineData("sthree-bucket", false)]
    [InlineData("bucket-s3alias", false)]
    [InlineData("bucket--ol-s3", false)]
    [InlineData("_strata", false)]
    public void Bucket_names_follow_S3s_rules(string name, bool valid) => Assert.Equal(valid, BucketName.TryParse(name, out _));

    [Fact]
    public void Keys_are_1_to_1024_bytes_of_UTF8_and_anything_else_goes()
    {
        Assert.True(ObjectKey.TryParse("../../etc/passwd", out _, out _));
        Assert.True(ObjectKey.TryParse("\0nul and \u0001 control", out _, out _));
        Assert.True(ObjectKey.TryParse(new string('é', 512), out _, out _)); // 1024 bytes
        Assert.False(ObjectKey.TryParse(new string('é', 513), out _, out var tooLong));
        Assert.Equal(StrataError.KeyTooLongError, tooLong);
        Assert.False(ObjectKey.TryParse("", out _, out _));
        Assert.False(ObjectKey.TryParse("lone \uD800 surrogate", out _, out var invalid));
        Assert.Equal(StrataError.InvalidArgument, invalid);
    }

    [Fact]
    public void Version_ids_are_32_url_safe_characters_and_unique()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => VersionId.NewId().Value).ToHashSet();
        Assert.Equal(1000, ids.Count);
        Assert.All(ids, id =>
        {
            Assert.Equal(32, id.Length);
            Assert.True(VersionId.TryParse(id, out _));
            Assert.Equal(id, Uri.EscapeDataString(id));
        });
        Assert.True(VersionId.TryParse("null", out var nullId));
        Assert.True(nullId.IsNull);
        Assert.False(VersionId.TryParse("short", out _));
        Assert.False(VersionId.TryParse(new string('/', 32), out _));
        var error = Assert.Throws<StrataException>(() => VersionId.Parse("bad id"));
        Assert.Equal(StrataError.InvalidArgument, error.Error);
    }
}

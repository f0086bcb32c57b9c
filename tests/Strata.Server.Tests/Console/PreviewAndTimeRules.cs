using Strata.Client.History;
using Strata.WebConsole.Pages.History;
using Strata.WebConsole.Pages.Restore;

namespace Strata.Server.Tests.Console;

/// <summary>The small rules behind the history and restore pages: what may show inline, how a picked time is read, S3's key order.</summary>
public sealed class PreviewAndTimeRules
{
    [Theory]
    [InlineData("image/png", "image/png")]
    [InlineData("IMAGE/JPEG; charset=binary", "image/jpeg")]
    [InlineData("image/jpg", "image/jpeg")]
    [InlineData("image/gif", "image/gif")]
    [InlineData("image/webp", "image/webp")]
    [InlineData("image/svg+xml", null)]
    [InlineData("text/html", null)]
    [InlineData("application/octet-stream", null)]
    [InlineData(null, null)]
    public void Only_images_of_the_safe_list_show_inline(string? stored, string? served) => Assert.Equal(served, PreviewTypes.SafeImage(stored));

    [Theory]
    [InlineData("text/plain; charset=utf-8", true)]
    [InlineData("text/csv", true)]
    [InlineData("application/json", true)]
    [InlineData("application/ld+json", true)]
    [InlineData("application/xml", true)]
    [InlineData("image/svg+xml", false)]
    [InlineData("application/pdf", false)]
    [InlineData("", false)]
    public void Text_is_recognised_by_its_content_type(string stored, bool isText) => Assert.Equal(isText, PreviewTypes.IsText(stored));

    [Theory]
    [InlineData("2026-03-29T02:30", null, "2026-03-29T02:30:00.000Z")]
    [InlineData("2026-03-29T02:30:15", "120", "2026-03-29T00:30:15.000Z")]
    [InlineData("2026-01-01T00:00:00", "-300", "2026-01-01T05:00:00.000Z")]
    [InlineData("2026-01-01T00:00:00.250Z", null, "2026-01-01T00:00:00.250Z")]
    public void A_picked_time_is_read_with_the_browsers_offset_or_as_utc(string local, string? offset, string utc)
    {
        Assert.True(PointInTime.TryParse(local, offset, out var at));
        Assert.Equal(utc, PointInTime.Exact(at));
    }

    [Theory]
    [InlineData("yesterday", null)]
    [InlineData("2026-01-01T00:00", "lots")]
    [InlineData("2026-01-01T00:00", "900")]
    [InlineData("", null)]
    public void A_time_that_cannot_be_read_is_refused(string local, string? offset) => Assert.False(PointInTime.TryParse(local, offset, out _));

    [Fact]
    public void Keys_sort_by_code_point_as_s3_lists_them()
    {
        // U+FF5E (a BMP character) sorts before U+1F600 (an emoji, a surrogate pair in UTF-16) in UTF-8 order,
        // though UTF-16 ordinal order puts the surrogate (0xD83D) first.
        Assert.True(Utf8Order.Compare("a/\uFF5E", "a/\U0001F600") < 0);
        Assert.True(string.CompareOrdinal("a/\uFF5E", "a/\U0001F600") > 0);
        Assert.True(Utf8Order.Compare("a", "a/") < 0);
        Assert.Equal(0, Utf8Order.Compare("photos/x.png", "photos/x.png"));
    }
}

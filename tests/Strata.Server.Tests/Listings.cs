namespace Strata.Server.Tests;

public sealed class Listings(StrataServer server) : IClassFixture<StrataServer>
{
    private async Task<string> BucketWithAsync(params string[] keys)
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await Task.WhenAll(keys.Select(k => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = k, ContentBody = k })));
        return bucket;
    }

    [Fact]
    public async Task Keys_are_listed_in_UTF8_binary_order()
    {
        // UTF-16 ordinal order would put U+FF5E after U+1F600's surrogates differently; UTF-8 bytes decide.
        string[] keys = ["B", "a", "Z", "é", "\uFF5E", "😀", "a/b", "a-b", "a0"];
        var bucket = await BucketWithAsync(keys);
        using var s3 = server.CreateClient();
        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        var expected = keys.OrderBy(k => k, Comparer<string>.Create((x, y) =>
            System.Text.Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(y)))).ToArray();
        Assert.Equal(expected, list.S3Objects!.Select(o => o.Key).ToArray());
    }

    [Fact]
    public async Task Url_encoding_writes_a_space_as_percent_20_and_a_plus_as_percent_2B()
    {
        var bucket = await BucketWithAsync("foo+1/bar", "foo/bar/xyzzy", "quux ab/thud", "asdf+b");
        using var signed = server.CreateSigned();

        foreach (var listType in new[] { "", "list-type=2&" })
        {
            using var response = await signed.SendAsync(HttpMethod.Get, "/" + bucket, listType + "delimiter=%2F&encoding-type=url");
            var xml = await response.Content.ReadAsStringAsync();

            Assert.Contains("<Key>asdf%2Bb</Key>", xml);
            Assert.Contains("<Prefix>foo%2B1/</Prefix>", xml);
            Assert.Contains("<Prefix>quux%20ab/</Prefix>", xml);
        }
    }

    [Fact]
    public async Task ListObjects_v1_returns_its_Prefix_as_given_even_with_url_encoding()
    {
        var bucket = await BucketWithAsync("quux ab/thud");
        using var signed = server.CreateSigned();

        using var response = await signed.SendAsync(HttpMethod.Get, "/" + bucket, "encoding-type=url&prefix=quux%20ab%2F");
        var xml = await response.Content.ReadAsStringAsync();

        Assert.Contains("<Prefix>quux ab/</Prefix>", xml);
        Assert.Contains("<Key>quux%20ab/thud</Key>", xml);
    }

    [Fact]
    public async Task An_empty_continuation_token_lists_from_the_start_and_is_echoed_back()
    {
        var bucket = await BucketWithAsync("bar", "baz");
        using var s3 = server.CreateClient();

        var list = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, ContinuationToken = "" });

        Assert.Equal(["bar", "baz"], list.S3Objects!.Select(o => o.Key));
        using var signed = server.CreateSigned();
        using var response = await signed.SendAsync(HttpMethod.Get, "/" + bucket, "list-type=2&continuation-token=");
        Assert.Matches("<ContinuationToken ?/>|<ContinuationToken></ContinuationToken>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Delimiter_rolls_keys_up_into_common_prefixes()
    {
        var bucket = await BucketWithAsync("photos/2024/a.jpg", "photos/2024/b.jpg", "photos/2025/c.jpg", "photos/top.jpg", "readme.txt", "videos/x.mp4");
        using var s3 = server.CreateClient();
        var root = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["readme.txt"], root.S3Objects!.Select(o => o.Key));
        Assert.Equal(["photos/", "videos/"], root.CommonPrefixes!);
        Assert.Equal(3, root.KeyCount);

        var photos = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "photos/", Delimiter = "/" });
        Assert.Equal(["photos/top.jpg"], photos.S3Objects!.Select(o => o.Key));
        Assert.Equal(["photos/2024/", "photos/2025/"], photos.CommonPrefixes!);
    }

    [Fact]
    public async Task V2_pages_with_continuation_tokens_cover_every_key_once()
    {
        var keys = Enumerable.Range(0, 57).Select(i => $"k/{i:D3}").ToArray();
        var bucket = await BucketWithAsync(keys);
        using var s3 = server.CreateClient();
        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = 10, ContinuationToken = token });
            seen.AddRange(page.S3Objects!.Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
            pages++;
        }
        while (token is not null);
        Assert.Equal(keys, seen);
        Assert.Equal(6, pages);
    }

    [Fact]
    public async Task V2_paging_over_common_prefixes_returns_each_prefix_once()
    {
        var bucket = await BucketWithAsync("a/1", "a/2", "b/1", "c", "d/1", "d/2", "e");
        using var s3 = server.CreateClient();
        var items = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/", MaxKeys = 2, ContinuationToken = token });
            items.AddRange(page.S3Objects?.Select(o => o.Key) ?? []);
            items.AddRange(page.CommonPrefixes ?? []);
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(["a/", "b/", "c", "d/", "e"], items.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Start_after_skips_keys_up_to_and_including_it()
    {
        var bucket = await BucketWithAsync("a", "b", "c", "d");
        using var s3 = server.CreateClient();
        var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, StartAfter = "b" });
        Assert.Equal(["c", "d"], page.S3Objects!.Select(o => o.Key));
    }

    [Fact]
    public async Task V1_pages_with_markers()
    {
        var keys = Enumerable.Range(0, 25).Select(i => $"f{i:D2}").ToArray();
        var bucket = await BucketWithAsync(keys);
        using var s3 = server.CreateClient();
        var seen = new List<string>();
        string? marker = null;
        while (true)
        {
            var page = await s3.ListObjectsAsync(new ListObjectsRequest { BucketName = bucket, MaxKeys = 7, Marker = marker });
            seen.AddRange(page.S3Objects!.Select(o => o.Key));
            if (page.IsTruncated != true) break;
            marker = page.NextMarker ?? page.S3Objects![^1].Key;
        }
        Assert.Equal(keys, seen);
    }

    [Fact]
    public async Task Prefix_limits_the_listing_and_an_invalid_max_keys_is_InvalidArgument()
    {
        var bucket = await BucketWithAsync("logs/1", "logs/2", "logsx", "other");
        using var s3 = server.CreateClient();
        var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Prefix = "logs/" });
        Assert.Equal(["logs/1", "logs/2"], page.S3Objects!.Select(o => o.Key));

        using var signed = server.CreateSigned();
        var bad = await signed.SendAsync(HttpMethod.Get, $"/{bucket}", "list-type=2&max-keys=abc");
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("<Code>InvalidArgument</Code>", await bad.Content.ReadAsStringAsync());
    }
}

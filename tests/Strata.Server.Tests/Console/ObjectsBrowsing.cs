using System.Net;
using System.Text.RegularExpressions;

namespace Strata.Server.Tests.Console;

/// <summary>
/// The objects page over HTTP: folders by "/", paging by continuation token (100 rows a page), search by prefix, and
/// "show deleted" (keys whose latest entry is a delete marker) paged by ListObjectVersions' markers.
/// </summary>
public sealed partial class ObjectsBrowsing(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Folders_and_keys_show_at_their_level_with_breadcrumbs()
    {
        var bucket = await server.CreateBucketAsync(stem: "console-folders");
        using var s3 = server.CreateClient();
        foreach (var key in new[] { "top.txt", "photos/2024/a.jpg", "photos/2024/b.jpg", "photos/cover.png", "docs/readme.md" })
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var root = await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}");
        var photos = await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}?prefix=photos%2F");

        Assert.Equal(["docs/", "photos/", "top.txt"], Names(root));
        Assert.Equal(["2024/", "cover.png"], Names(photos));
        Assert.Contains($"href=\"/_strata/console/buckets/{bucket}?prefix=photos%2F2024%2F\"", photos);
        Assert.Contains($"href=\"/_strata/console/buckets/{bucket}/history?key=photos%2Fcover.png\"", photos);
        Assert.Contains($">photos</a>", photos); // the breadcrumb back to the folder
    }

    [Fact]
    public async Task Keys_with_any_characters_link_to_their_history_escaped()
    {
        var bucket = await server.CreateBucketAsync(stem: "console-odd");
        using var s3 = server.CreateClient();
        const string key = "odd name?#%&<b>é.txt";
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var page = await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}");

        Assert.Contains($"history?key={Uri.EscapeDataString(key)}\"", page);
        Assert.Equal([key], Names(page)); // shown escaped, read back as the key
        Assert.DoesNotContain("<b>", page);
    }

    [Fact]
    public async Task Pages_go_forward_by_continuation_token_and_search_narrows_by_prefix()
    {
        var bucket = await server.CreateBucketAsync(stem: "console-pages");
        using var s3 = server.CreateClient();
        var keys = Enumerable.Range(0, 105).Select(i => $"img-{i:D3}.jpg").Append("other.txt").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (key, ct) => await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" }, ct));
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var first = await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}?prefix=img-");
        var next = NextLink(first);
        Assert.NotNull(next);
        var second = await console.PageAsync(next);

        Assert.Equal(100, Names(first).Count);
        Assert.Equal(5, Names(second).Count);
        Assert.Null(NextLink(second));
        Assert.Equal(keys.Where(k => k.StartsWith("img-", StringComparison.Ordinal)), Names(first).Concat(Names(second)));
        Assert.DoesNotContain("other.txt", first + second);
    }

    [Fact]
    public async Task Show_deleted_lists_keys_whose_latest_entry_is_a_delete_marker_page_by_page()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-deleted");
        using var s3 = server.CreateClient();
        var deleted = Enumerable.Range(0, 600).Select(i => $"gone-{i:D3}.txt").ToList();
        await Parallel.ForEachAsync(deleted, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" }, ct);
            await s3.DeleteObjectAsync(bucket, key, ct);
        });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "live.txt", ContentBody = "x" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "back.txt", ContentBody = "x" });
        await s3.DeleteObjectAsync(bucket, "back.txt");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "back.txt", ContentBody = "again" });
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var plain = await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}");
        var seen = new List<string>();
        var page = await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}?deleted=1");
        var pages = 1;
        seen.AddRange(Names(page));
        while (NextLink(page) is { } next)
        {
            Assert.Contains("deleted=1", next);
            page = await console.PageAsync(next);
            seen.AddRange(Names(page));
            pages++;
        }

        Assert.Equal(["back.txt", "live.txt"], Names(plain));
        Assert.True(pages > 1, "600 deleted keys, 1,200 versions and markers, are more than one request of 1,000 entries");
        Assert.Equal(deleted, seen);
    }

    [Fact]
    public async Task Show_deleted_finds_a_deleted_key_among_hundreds_of_live_ones_on_its_first_page()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-sparse");
        using var s3 = server.CreateClient();
        var keys = Enumerable.Range(0, 2500).Select(i => $"photo-{i:D4}.jpg").ToList();
        await Parallel.ForEachAsync(keys, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (key, ct) =>
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = "x" }, ct));
        await s3.DeleteObjectAsync(bucket, "photo-2222.jpg");
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        // 2,222 live keys come first in the listing: one request of 1,000 entries would show an empty page.
        var page = await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}?deleted=1");

        Assert.Equal(["photo-2222.jpg"], Names(page));
        Assert.Null(NextLink(page));
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_says_so()
    {
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var page = await console.PageAsync($"{ConsoleClient.Base}/buckets/no-such-bucket-here");

        Assert.Contains("The bucket does not exist", page);
    }

    // The name cell of each row: the link text inside <th scope="row">.
    private static List<string> Names(string html) =>
        RowName().Matches(html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value).Trim()).ToList();

    private static string? NextLink(string html) =>
        NextPage().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : null;

    [GeneratedRegex("<th scope=\"row\"><a href=\"[^\"]*\">([^<]*)</a>")]
    private static partial Regex RowName();

    [GeneratedRegex("rel=\"next\" href=\"([^\"]+)\"")]
    private static partial Regex NextPage();
}

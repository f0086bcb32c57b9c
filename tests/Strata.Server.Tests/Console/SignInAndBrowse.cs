using System.Net;

namespace Strata.Server.Tests.Console;

/// <summary>The console's pages as a signed-in user sees them over HTTP: sign-in, the buckets, a bucket's folders and pages.</summary>
public sealed class SignInAndBrowse(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Signing_in_shows_the_buckets_with_their_settings()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-list");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "two two" });
        using var console = new ConsoleClient(server);

        var signIn = await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey);

        Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
        Assert.Equal(ConsoleClient.Base + "/buckets", signIn.Headers.Location?.OriginalString);
        var page = await console.PageAsync(ConsoleClient.Base + "/buckets");
        Assert.Contains(bucket, page);
        Assert.Contains("Enabled", page);
        Assert.Contains(StrataServer.AccessKey, page);
    }

    [Fact]
    public async Task The_buckets_page_counts_objects_versions_and_what_the_noncurrent_versions_cost()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-figures");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "one" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "two two" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b.txt", ContentBody = "b" });
        await s3.DeleteObjectAsync(bucket, "b.txt");
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();

        var page = await console.PageAsync(ConsoleClient.Base + "/buckets");

        // One current object (a.txt, 7 bytes); three versions and b.txt's marker; 3 + 1 bytes only the history keeps.
        var row = System.Text.RegularExpressions.Regex.Match(page, "<tr>(?:(?!</tr>)[\\s\\S])*>" + bucket + "</a>[\\s\\S]*?</tr>").Value;
        string Cell(string label) => WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Match(row, $"data-label=\"{label}\"[^>]*>([^<]*)<").Groups[1].Value);
        Assert.Equal(("1", "3 + 1 marker", "11 B", "4 B"), (Cell("Objects"), Cell("Versions"), Cell("Bytes"), Cell("Noncurrent")));
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_without_saying_which_half_was_wrong()
    {
        using var console = new ConsoleClient(server);

        var response = await console.SignInAsync(StrataServer.AccessKey, "not-the-secret");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("The access key or secret key is not right.", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.SeeOther, (await console.GetAsync(ConsoleClient.Base + "/buckets")).StatusCode);
    }
}

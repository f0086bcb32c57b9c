using System.Text.RegularExpressions;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// `strata serve --access-log` writes one line per request, and never a secret: not the root secret, not a
/// presigned URL's signature (it travels in the query string, which the log leaves out), not an Authorization
/// header. A key with a line break cannot forge a second line.
/// </summary>
public sealed class AccessLogLines
{
    [Fact]
    public async Task Each_request_is_one_line_with_its_outcome_and_no_secret()
    {
        using var sandbox = new Sandbox();
        await using var server = await PublishedServer.StartAsync(sandbox, "--access-log");
        using var s3 = server.CreateClient();
        await s3.PutBucketAsync("logged");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = "logged", Key = "line\nbreak: 200 forged", ContentBody = "x" });
        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync("logged", "missing.txt"));
        Assert.Equal("NoSuchKey", missing.ErrorCode);
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = "logged", Key = "line\nbreak: 200 forged", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP,
        });
        using (var http = new HttpClient())
        {
            Assert.Equal("x", await http.GetStringAsync(url));
        }
        var signature = Regex.Match(url, "X-Amz-Signature=([0-9a-f]+)").Groups[1].Value;
        Assert.NotEmpty(signature);
        // A browser's POST upload is an unsigned request whose form carries the signature: the line names the form's key.
        var post = await s3.CreatePresignedPostAsync(new CreatePresignedPostRequest { BucketName = "logged", Key = "posted.txt", Expires = DateTime.UtcNow.AddMinutes(5) });
        using (var http = new HttpClient())
        using (var form = Strata.Testing.PostForms.Content(post.Fields, "y"u8.ToArray()))
        {
            Assert.Equal(System.Net.HttpStatusCode.NoContent, (await http.PostAsync(post.Url, form)).StatusCode);
        }

        var lines = await WaitForLinesAsync(server, count: 5);
        string[] expected =
        [
            $" {PublishedServer.AccessKey} PUT /logged/ CreateBucket 200 - ",
            $" {PublishedServer.AccessKey} PUT /logged/line\\u000abreak: 200 forged PutObject 200 - ",
            $" {PublishedServer.AccessKey} GET /logged/missing.txt GetObject 404 NoSuchKey ",
            $" {PublishedServer.AccessKey} GET /logged/line\\u000abreak: 200 forged GetObject 200 - 1 ",
            $" {PublishedServer.AccessKey} POST /logged/ PostObject 204 - ",
        ];
        Assert.True(lines.Count == expected.Length && expected.Zip(lines).All(p => p.Second.Contains(p.First, StringComparison.Ordinal)),
            "The access log:\n" + string.Join('\n', lines));
        Assert.DoesNotContain(PublishedServer.SecretKey, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(signature, server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Signature", server.Output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The access log's lines, once the server has written <paramref name="count"/> of them (console logging is asynchronous).</summary>
    private static async Task<List<string>> WaitForLinesAsync(PublishedServer server, int count)
    {
        for (var attempt = 0; ; attempt++)
        {
            var lines = server.Output.Split('\n').Where(l => l.Contains("AccessLog[1]", StringComparison.Ordinal)).ToList();
            if (lines.Count >= count || attempt == 100) return lines;
            await Task.Delay(50);
        }
    }
}

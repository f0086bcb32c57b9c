using System.Net;

namespace Strata.Server.Tests.Console;

/// <summary>Every console answer carries the CSP (no inline script or style, no framing), X-Frame-Options, nosniff and no-referrer.</summary>
public sealed class ConsoleHeaders(StrataServer server) : IClassFixture<StrataServer>
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    [Fact]
    public async Task Every_answer_carries_the_security_headers_and_pages_hold_no_inline_script_or_style()
    {
        var bucket = await server.CreateBucketAsync(versioning: true, stem: "console-headers");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "f/a.txt", ContentBody = "x" });
        using var console = new ConsoleClient(server);
        var answers = new List<HttpResponseMessage>
        {
            await console.GetAsync(ConsoleClient.Base + "/buckets"),            // 303 without a session
            await console.GetAsync(ConsoleClient.Base + "/sign-in"),
            await console.SignInAsync(StrataServer.AccessKey, "wrong"),           // 401 with the form again
            await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey),
            await console.GetAsync(ConsoleClient.Base + "/buckets"),
            await console.GetAsync($"{ConsoleClient.Base}/buckets/{bucket}?prefix=f%2F"),
            await console.GetAsync($"{ConsoleClient.Base}/buckets/{bucket}?deleted=1"),
            await console.GetAsync(ConsoleClient.Base + "/no-such-page"),
            await console.PostAsync(ConsoleClient.Base + "/sign-out", csrf: "wrong"),
        };
        var page = await console.PageAsync(ConsoleClient.Base + "/buckets");
        var css = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/_strata/console/assets/console.css\\?v=[0-9a-f]+)\"").Groups[1].Value;
        answers.Add(await console.GetAsync(css));

        foreach (var answer in answers)
        {
            var what = $"{answer.RequestMessage!.Method} {answer.RequestMessage.RequestUri!.PathAndQuery} ({(int)answer.StatusCode})";
            Assert.True(answer.Headers.TryGetValues("Content-Security-Policy", out var csp), what);
            Assert.Equal(Policy, Assert.Single(csp));
            Assert.Equal("DENY", Assert.Single(answer.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("nosniff", Assert.Single(answer.Headers.GetValues("X-Content-Type-Options")));
            Assert.Equal("no-referrer", Assert.Single(answer.Headers.GetValues("Referrer-Policy")));
            var body = await answer.Content.ReadAsStringAsync();
            if (answer.Content.Headers.ContentType?.MediaType == "text/html")
            {
                Assert.Equal("no-store", answer.Headers.CacheControl?.ToString());
                Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", body);
                Assert.DoesNotContain(" style=", body);
                Assert.DoesNotContain("<style", body);
                Assert.DoesNotMatch("<[^>]+\\son[a-z]+\\s*=", body); // no inline event handlers
            }
        }
        Assert.Equal(HttpStatusCode.OK, answers[^1].StatusCode);
        Assert.Contains("immutable", answers[^1].Headers.CacheControl?.ToString());
    }
}

using System.Net;
using Microsoft.Extensions.Logging;

namespace Strata.Server.Tests.Console;

/// <summary>
/// The console's security over HTTP: no page or action without a session, the CSRF token and Origin on every POST,
/// sign-out that ends the session on the server, no open redirect, and the secret in no page and no log line.
/// </summary>
public sealed class ConsoleSecurity(StrataServer server) : IClassFixture<StrataServer>
{
    private const string Buckets = ConsoleClient.Base + "/buckets";
    private const string SignOut = ConsoleClient.Base + "/sign-out";

    [Fact]
    public async Task A_page_without_a_session_redirects_to_sign_in_and_comes_back_after()
    {
        var bucket = await server.CreateBucketAsync(stem: "console-return");
        using var console = new ConsoleClient(server);
        var wanted = $"{ConsoleClient.Base}/buckets/{bucket}?prefix=a%2F";

        var response = await console.GetAsync(wanted);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var signIn = response.Headers.Location!.OriginalString;
        Assert.StartsWith(ConsoleClient.Base + "/sign-in?return=", signIn);
        Assert.Contains(WebUtility.HtmlEncode(wanted), await console.PageAsync(signIn));
        var signedIn = await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey, returnTo: wanted);
        Assert.Equal(wanted, signedIn.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_post_without_a_session_is_refused()
    {
        using var console = new ConsoleClient(server);

        var response = await console.PostAsync(SignOut, csrf: "anything");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Sign in first", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("wrong-token")]
    public async Task A_post_without_the_sessions_token_is_refused_and_changes_nothing(string token)
    {
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(Buckets);

        var response = await console.PostAsync(SignOut, csrf: token);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await console.PageAsync(Buckets); // still signed in: the sign-out did not happen
    }

    [Fact]
    public async Task Another_sessions_token_is_refused()
    {
        using var mine = new ConsoleClient(server);
        using var theirs = new ConsoleClient(server);
        await mine.SignInAsRootAsync();
        await theirs.SignInAsRootAsync();
        await theirs.PageAsync(Buckets);

        var response = await mine.PostAsync(SignOut, csrf: theirs.CsrfToken);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await mine.PageAsync(Buckets);
    }

    [Fact]
    public async Task A_post_from_another_origin_is_refused_even_with_the_token()
    {
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(Buckets);

        var response = await console.PostAsync(SignOut, origin: "https://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await console.PageAsync(Buckets);
        var signIn = await new ConsoleClient(server).PostAsync(ConsoleClient.Base + "/sign-in",
            [new("accessKeyId", StrataServer.AccessKey), new("secretKey", StrataServer.SecretKey)], csrf: "", origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, signIn.StatusCode);
        Assert.False(signIn.Headers.Contains("Set-Cookie"));
    }

    [Theory]
    [InlineData("null", null, HttpStatusCode.Forbidden)]         // an opaque origin, and nothing says it is ours
    [InlineData("null", "cross-site", HttpStatusCode.Forbidden)]
    [InlineData(null, "same-site", HttpStatusCode.Forbidden)]    // a sibling host under the same site is another origin
    [InlineData("null", "same-origin", HttpStatusCode.SeeOther)] // Chromium's own form under Referrer-Policy: no-referrer
    public async Task Sec_Fetch_Site_and_a_null_Origin_decide_as_the_browser_says(string? origin, string? fetchSite, HttpStatusCode expected)
    {
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(Buckets);

        var response = await console.PostAsync(SignOut, origin: origin ?? console.Origin, fetchSite: fetchSite);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(expected == HttpStatusCode.SeeOther ? HttpStatusCode.SeeOther : HttpStatusCode.OK, (await console.GetAsync(Buckets)).StatusCode);
    }

    [Fact]
    public async Task The_session_cookie_is_HttpOnly_SameSite_Strict_on_the_console_path_and_ends_with_the_browser()
    {
        using var console = new ConsoleClient(server);

        var response = await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey);

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"));
        Assert.StartsWith("strata-console=", cookie);
        var attributes = cookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/_strata/console", attributes);
        Assert.DoesNotContain("secure", attributes); // plain HTTP: a Secure cookie would never come back
        Assert.DoesNotContain(attributes, a => a.StartsWith("max-age", StringComparison.Ordinal) || a.StartsWith("expires", StringComparison.Ordinal));
        Assert.DoesNotContain(StrataServer.SecretKey, cookie);
    }

    [Fact]
    public async Task Sign_out_ends_the_session_on_the_server_so_the_old_cookie_no_longer_works()
    {
        using var console = new ConsoleClient(server);
        await console.SignInAsRootAsync();
        await console.PageAsync(Buckets);
        var oldCookie = console.Cookies.GetCookieHeader(new Uri(server.Endpoint, ConsoleClient.Base + "/"));

        var signOut = await console.PostAsync(SignOut);

        Assert.Equal(HttpStatusCode.SeeOther, signOut.StatusCode);
        using var replay = new HttpClient(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = server.Endpoint };
        var request = new HttpRequestMessage(HttpMethod.Get, Buckets);
        request.Headers.Add("Cookie", oldCookie);
        var replayed = await replay.SendAsync(request);
        Assert.Equal(HttpStatusCode.SeeOther, replayed.StatusCode);
        Assert.StartsWith(ConsoleClient.Base + "/sign-in", replayed.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/_strata/console/")]
    [InlineData("/\\evil.example")]
    [InlineData("/_strata/console/\\\\evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task The_return_parameter_never_leads_off_the_console(string returnTo)
    {
        using var console = new ConsoleClient(server);

        var response = await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey, returnTo);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(Buckets, response.Headers.Location?.OriginalString);
        var again = await console.GetAsync(ConsoleClient.Base + "/sign-in?return=" + Uri.EscapeDataString(returnTo));
        Assert.Equal(Buckets, again.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_secret_appears_in_no_page_and_no_log_line()
    {
        var log = new CapturedLog();
        var logged = new StrataServer { Configure = o => { o.ExtraLog = log; o.LogLevel = LogLevel.Trace; o.AccessLog = true; } };
        await logged.InitializeAsync();
        try
        {
            var bucket = await logged.CreateBucketAsync(versioning: true, stem: "console-secret");
            var (keyId, secret) = await logged.CreateUserAsync("reader", AllowAll);
            using var s3 = logged.CreateClient();
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "docs/a.txt", ContentBody = "x" });
            using var console = new ConsoleClient(logged);

            var pages = new List<string>();
            var wrong = await console.SignInAsync(keyId, secret + "x");
            pages.Add(await wrong.Content.ReadAsStringAsync());
            var signIn = await console.SignInAsync(keyId, secret);
            Assert.Equal(HttpStatusCode.SeeOther, signIn.StatusCode);
            pages.Add(await console.PageAsync(Buckets));
            pages.Add(await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}?prefix=docs%2F"));
            pages.Add(await console.PageAsync($"{ConsoleClient.Base}/buckets/{bucket}?deleted=1"));
            await console.PostAsync(SignOut);

            Assert.Contains(pages, p => p.Contains(keyId, StringComparison.Ordinal));
            Assert.All(pages, p => Assert.DoesNotContain(secret, p, StringComparison.Ordinal));
            Assert.Contains(keyId, log.Text); // the access log names the user's key: the log was captured
            Assert.DoesNotContain(secret, log.Text, StringComparison.Ordinal);
        }
        finally
        {
            await logged.DisposeAsync();
        }
    }

    [Fact]
    public async Task With_the_console_turned_off_its_paths_answer_404()
    {
        var off = new StrataServer { Configure = o => o.ConsoleEnabled = false };
        await off.InitializeAsync();
        try
        {
            using var console = new ConsoleClient(off);

            Assert.Equal(HttpStatusCode.NotFound, (await console.GetAsync(ConsoleClient.Base + "/sign-in")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey)).StatusCode);
        }
        finally
        {
            await off.DisposeAsync();
        }
    }

    internal const string AllowAll = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""";
}

using System.Net;

namespace Strata.Server.Tests.Console;

/// <summary>Sessions end after the idle timeout, measured with the server's clock; using the console keeps one alive.</summary>
public sealed class ConsoleSessions
{
    private const string Buckets = ConsoleClient.Base + "/buckets";

    [Fact]
    public async Task An_idle_session_ends_and_the_next_page_asks_to_sign_in_again()
    {
        // Two minutes, so the shifted clock stays well inside SigV4's 15 minutes of allowed skew.
        var server = new StrataServer { Configure = o => o.ConsoleIdleTimeout = TimeSpan.FromMinutes(2) };
        await server.InitializeAsync();
        try
        {
            using var console = new ConsoleClient(server);
            await console.SignInAsRootAsync();
            await console.PageAsync(Buckets);

            server.Time.Advance(TimeSpan.FromSeconds(90));
            await console.PageAsync(Buckets); // in use: the idle clock starts again
            server.Time.Advance(TimeSpan.FromSeconds(90));
            await console.PageAsync(Buckets);
            server.Time.Advance(TimeSpan.FromSeconds(121));
            var expired = await console.GetAsync(Buckets);

            Assert.Equal(HttpStatusCode.SeeOther, expired.StatusCode);
            Assert.StartsWith(ConsoleClient.Base + "/sign-in", expired.Headers.Location!.OriginalString);
            server.Time.Advance(TimeSpan.FromSeconds(-121)); // back again: the session is gone for good, not just hidden
            Assert.Equal(HttpStatusCode.SeeOther, (await console.GetAsync(Buckets)).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await console.PostAsync(ConsoleClient.Base + "/sign-out")).StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

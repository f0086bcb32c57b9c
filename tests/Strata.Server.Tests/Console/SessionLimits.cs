using Strata.WebConsole.Hosting;
using Strata.WebConsole.Sessions;

namespace Strata.Server.Tests.Console;

/// <summary>The session store's cap: sign-ins beyond it end the longest idle session, so they cannot exhaust memory.</summary>
public sealed class SessionLimits
{
    [Fact]
    public void Beyond_the_cap_the_longest_idle_session_ends_first()
    {
        var time = new ShiftableTime();
        var options = new ConsoleOptions { MaxSessions = 2, Time = time, Endpoint = new Uri("http://127.0.0.1:1/") };
        using var clients = new UserClients(options);
        using var store = new SessionStore(options);
        var first = store.Start("KEY1", clients.Create("KEY1", "secret-1"));
        time.Advance(TimeSpan.FromSeconds(1));
        var second = store.Start("KEY2", clients.Create("KEY2", "secret-2"));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(store.Find(first.Id)); // used again: now the second is the longest idle

        var third = store.Start("KEY3", clients.Create("KEY3", "secret-3"));

        Assert.Equal(2, store.Count);
        Assert.NotNull(store.Find(first.Id));
        Assert.Null(store.Find(second.Id));
        Assert.NotNull(store.Find(third.Id));
        Assert.NotEqual(first.Id, third.Id);
        Assert.Equal(43, third.Id.Length); // 32 random bytes, base64url without padding
    }
}

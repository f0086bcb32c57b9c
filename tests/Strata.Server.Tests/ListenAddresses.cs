using System.Net;
using Strata.Server.Hosting;

namespace Strata.Server.Tests;

/// <summary>
/// The address `strata serve` prints and the console and replicator connect to: a listener on every address is reached
/// on loopback (Kestrel reports it as 0.0.0.0 or [::], where a client cannot connect on every system). Servers in tests
/// bind to 127.0.0.1 only, so the mapping is checked on its own.
/// </summary>
public sealed class ListenAddresses
{
    [Theory]
    [InlineData("0.0.0.0", "http://0.0.0.0:9000", "http://127.0.0.1:9000/")]
    [InlineData("::", "http://[::]:9000", "http://[::1]:9000/")]
    [InlineData("127.0.0.1", "https://127.0.0.1:9443", "https://127.0.0.1:9443/")]
    [InlineData("::1", "http://[::1]:9000", "http://[::1]:9000/")]
    [InlineData("192.0.2.7", "http://192.0.2.7:9000", "http://192.0.2.7:9000/")]
    public void A_listener_on_every_address_is_reached_on_loopback_and_any_other_as_bound(string bound, string kestrelReports, string expected)
    {
        var reached = StrataHost.LoopbackEndpoint(new IPEndPoint(IPAddress.Parse(bound), 0), new Uri(kestrelReports));

        Assert.Equal(expected, reached.ToString());
    }
}

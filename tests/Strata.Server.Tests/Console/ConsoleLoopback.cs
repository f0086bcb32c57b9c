using System.Net;

namespace Strata.Server.Tests.Console;

/// <summary>The console's own S3 requests reach the server on loopback whatever address it listens on.</summary>
public sealed class ConsoleLoopback
{
    [Theory]
    [InlineData("[::]:0")]    // any address: the console talks to [::1]
    [InlineData("[::1]:0")]   // an IPv6 address: bracketed in the console's endpoint
    public async Task Sign_in_and_the_buckets_page_work_on_any_listen_address(string listen)
    {
        var server = new StrataServer { Configure = o => o.Listen = listen };
        await server.InitializeAsync();
        try
        {
            var bucket = await server.CreateBucketAsync(stem: "console-loopback");
            using var console = new ConsoleClient(server);

            Assert.Equal(HttpStatusCode.SeeOther, (await console.SignInAsync(StrataServer.AccessKey, StrataServer.SecretKey)).StatusCode);
            Assert.Contains(bucket, await console.PageAsync(ConsoleClient.Base + "/buckets"));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

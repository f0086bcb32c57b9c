using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Strata.Reliability.Tests.Harness;
using Strata.Reliability.Tests.Hostile;

namespace Strata.Reliability.Tests.Slow;

/// <summary>
/// Clients that are slow, stall or vanish, against the published server with its Kestrel limits
/// (src/Strata.Server/Hosting/StrataHost.cs: MaxRequestBodySize unlimited, MaxRequestHeadersTotalSize 64 KiB,
/// RequestHeadersTimeout 30 s, MaxConcurrentConnections from --max-connections (4096), MinRequestBodyDataRate
/// Kestrel's default of 240 B/s after a 5 s grace period).
/// A normal client is still served, a cut upload leaves no object and, after a restart, no orphan blob file.
/// Every loop is bounded in count and in time.
/// </summary>
public sealed class SlowClients(ITestOutputHelper output)
{
    private const string Bucket = "slow-clients";
    private const int BodySize = 1024 * 1024;

    private static async Task<PublishedServer> StartAsync(Sandbox sandbox, bool createBucket)
    {
        var server = await PublishedServer.StartAsync(sandbox);
        if (createBucket)
        {
            using var s3 = server.CreateClient();
            await s3.PutBucketAsync(Bucket);
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = Bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
            });
        }
        return server;
    }

    /// <summary>A PUT and a GET of a fresh key; the SDK's own timeout bounds each.</summary>
    private static async Task ServeOneAsync(AmazonS3Client s3, string key)
    {
        var body = Crash.Body.Bytes(key.GetHashCode(StringComparison.Ordinal), 20 * 1024);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(body) });
        using var get = await s3.GetObjectAsync(Bucket, key);
        var read = new MemoryStream();
        await get.ResponseStream.CopyToAsync(read);
        Assert.Equal(body, read.ToArray());
    }

    [Fact]
    public async Task A_crowd_of_slowloris_connections_does_not_stop_a_normal_client_from_being_served()
    {
        const int connections = 200;
        var trickle = TimeSpan.FromSeconds(8);
        using var sandbox = new Sandbox();
        await using var server = await StartAsync(sandbox, createBucket: true);
        var endpoint = server.Endpoint;
        using var stop = new CancellationTokenSource(trickle);
        long bytesTrickled = 0;
        var closedByServer = 0;

        // Each sends a request head one byte per second: it never completes within Kestrel's 30 s header timeout.
        async Task SlowlorisAsync(int n)
        {
            using var client = new TcpClient();
            await client.ConnectAsync(endpoint.Host, endpoint.Port);
            var stream = client.GetStream();
            var head = Encoding.ASCII.GetBytes($"PUT /{Bucket}/slowloris-{n} HTTP/1.1\r\nHost: {endpoint.Authority}\r\nX-Slow: " + new string('s', 64));
            try
            {
                foreach (var b in head)
                {
                    await stream.WriteAsync(new[] { b }, stop.Token);
                    Interlocked.Increment(ref bytesTrickled);
                    await Task.Delay(1000, stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (IOException)
            {
                Interlocked.Increment(ref closedByServer);
            }
        }

        var crowd = Enumerable.Range(0, connections).Select(SlowlorisAsync).ToArray();
        await Task.Delay(1500);
        using var s3 = server.CreateClient(TimeSpan.FromSeconds(15));
        var served = 0;
        var slowest = TimeSpan.Zero;
        while (!stop.IsCancellationRequested && served < 100)
        {
            var watch = Stopwatch.StartNew();
            await ServeOneAsync(s3, $"normal/{served}");
            slowest = watch.Elapsed > slowest ? watch.Elapsed : slowest;
            served++;
            await Task.Delay(50);
        }
        await Task.WhenAll(crowd);

        Assert.True(served >= 5, $"only {served} normal round trips were served while the slowloris crowd was connected");
        Assert.True(await server.IsHealthyAsync());
        Figures.Write(output, "slowloris", [("connections", connections), ("seconds", trickle.TotalSeconds), ("bytes_trickled", Interlocked.Read(ref bytesTrickled)),
            ("closed_by_server_during_trickle", closedByServer), ("normal_round_trips_served", served), ("slowest_round_trip_ms", (int)slowest.TotalMilliseconds)]);
    }

    [Fact]
    public async Task Connections_beyond_the_limit_are_closed_at_once_and_the_server_serves_again_when_the_crowd_leaves()
    {
        const int limit = 32;
        using var sandbox = new Sandbox();
        await using var server = await PublishedServer.StartAsync(sandbox, "--max-connections", limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var endpoint = server.Endpoint;
        using (var s3 = server.CreateClient()) await s3.PutBucketAsync(Bucket);

        // The crowd: each holds a connection with an unfinished request head.
        var crowd = new List<TcpClient>();
        try
        {
            for (var i = 0; i < limit; i++)
            {
                var client = new TcpClient();
                await client.ConnectAsync(endpoint.Host, endpoint.Port);
                await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes($"GET /{Bucket}/crowd-{i} HTTP/1.1\r\nHost: "));
                crowd.Add(client);
            }
            // One more: accepted by the kernel, then closed by Kestrel without an answer. Kestrel counts a connection
            // once its accept loop has taken it, so on a busy machine the first tries may still find a free slot.
            var closed = false;
            var watch = Stopwatch.StartNew();
            for (var attempt = 0; attempt < 10 && !closed; attempt++)
            {
                using var extra = new TcpClient();
                await extra.ConnectAsync(endpoint.Host, endpoint.Port);
                watch.Restart();
                closed = await ClosedByServerAsync(extra, TimeSpan.FromSeconds(2));
            }
            Assert.True(closed, "connections beyond --max-connections were kept open for 2 s, ten times over");
            output.WriteLine($"connection {limit + 1} closed by the server after {watch.ElapsedMilliseconds} ms");
        }
        finally
        {
            foreach (var client in crowd) client.Dispose();
        }

        // Once the crowd is gone, a normal client is served (Kestrel releases the slots as the connections close).
        using var normal = server.CreateClient(TimeSpan.FromSeconds(5));
        var served = false;
        for (var attempt = 0; attempt < 50 && !served; attempt++)
        {
            try
            {
                await ServeOneAsync(normal, "after-crowd");
                served = true;
            }
            catch (Exception error) when (error is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException or OperationCanceledException)
            {
                await Task.Delay(100);
            }
        }
        Assert.True(served, "no request was served after the crowd left");
        Assert.True(await server.IsHealthyAsync());
        Figures.Write(output, "connection_limit", [("limit", limit), ("crowd", limit), ("extra_connection_closed", true), ("served_after_crowd_left", served)]);
    }

    /// <summary>Whether the server closes the connection (a read returns 0 or fails) within <paramref name="patience"/>.</summary>
    private static async Task<bool> ClosedByServerAsync(TcpClient client, TimeSpan patience)
    {
        using var limit = new CancellationTokenSource(patience);
        try
        {
            var buffer = new byte[256];
            return await client.GetStream().ReadAsync(buffer, limit.Token) == 0;
        }
        catch (IOException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>How a client stops sending its body: too slowly to meet the minimum data rate, or not at all.</summary>
    public enum Cut
    {
        /// <summary>2 B/s from the first byte of the body on.</summary>
        BelowMinimumDataRate,
        /// <summary>300 KiB at once, then 2 B/s.</summary>
        StalledAfterBurst,
        /// <summary>300 KiB, then the connection is reset (RST).</summary>
        ConnectionReset,
        /// <summary>300 KiB, then the client closes its side (FIN) and waits for the answer.</summary>
        HalfClosed,
    }

    [Theory]
    [InlineData(Cut.BelowMinimumDataRate)]
    [InlineData(Cut.ConnectionReset)]
    [InlineData(Cut.HalfClosed)]
    public Task An_upload_cut_short_leaves_no_object_and_no_orphan_blob_after_a_restart(Cut cut) => CutShortAsync(cut);

    /// <summary>
    /// Kestrel's MinRequestBodyDataRate is an average since the body started: a client that sends 300 KiB at once
    /// and then 2 B/s is cut only after 300 KiB / 240 B/s ≈ 21 minutes, holding its request, its connection and a
    /// blob draft all that time (a 1 GiB burst buys 52 days). Strata judges a body's pace per 20 s window
    /// (BlobDraft.WriteFromAsync), so the trickle is given up with RequestTimeout after about 20 s.
    /// </summary>
    [LongFact]
    [Trait("Category", "Long")]
    [Trait("Regression", "stalled-body-after-burst")]
    public Task A_body_that_stalls_after_a_burst_is_cut_within_a_minute_and_leaves_nothing() => CutShortAsync(Cut.StalledAfterBurst);

    private async Task CutShortAsync(Cut cut)
    {
        using var sandbox = new Sandbox();
        var server = await StartAsync(sandbox, createBucket: true);
        var key = $"cut/{cut}";
        int blobsBefore, blobsAfterCut, swept;
        TimeSpan cutAfter;
        bool serverClosed;
        try
        {
            blobsBefore = sandbox.BlobFiles().Count;
            var body = Crash.Body.Bytes(42, BodySize);
            var request = RawSigV4.Create(server.Endpoint, "PUT", $"/{Bucket}/{key}", body: body, payloadHash: RawSigV4.UnsignedPayload);
            (serverClosed, cutAfter) = await SendCutShortAsync(server.Endpoint, request, cut);
            output.WriteLine($"{cut}: {(serverClosed ? "the server closed the connection" : "the client went away")} after {cutAfter.TotalSeconds:F1} s");
            if (cut is Cut.BelowMinimumDataRate or Cut.StalledAfterBurst) Assert.True(serverClosed, $"the server kept a body arriving at 2 B/s for {cutAfter.TotalSeconds:F0} s");

            using (var s3 = server.CreateClient())
            {
                var failure = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(Bucket, key));
                Assert.Equal(System.Net.HttpStatusCode.NotFound, failure.StatusCode);
                Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket, Prefix = key })).Versions ?? []);
                await ServeOneAsync(s3, "after/" + key);
            }
            // The draft of the cut body is removed once the server sees the request end; allow it 10 s.
            var expected = blobsBefore + 1; // the 20 KiB written by ServeOneAsync
            for (var i = 0; i < 100 && sandbox.BlobFiles().Count != expected; i++) await Task.Delay(100);
            blobsAfterCut = sandbox.BlobFiles().Count;
            Assert.True(blobsAfterCut == expected, $"{blobsAfterCut - expected} blob file(s) of the cut upload are still on disk 10 s later");
        }
        finally
        {
            await server.DisposeAsync();
        }
        server = await StartAsync(sandbox, createBucket: false);
        swept = server.OrphansSweptAtStart;
        await server.DisposeAsync();
        var audit = BlobAudit.AssertClean(sandbox);
        Assert.Equal(0, swept);
        Figures.Write(output, "cut_upload." + cut.ToString().ToLowerInvariant(), [("closed_by_server", serverClosed), ("seconds_until_cut", Math.Round(cutAfter.TotalSeconds, 1)),
            ("blob_files_left_after_cut", blobsAfterCut - blobsBefore - 1), ("orphans_swept_by_restart", swept), ("orphans_after_restart", audit.Unreferenced.Count)]);
    }

    /// <summary>
    /// Sends the head and 300 KiB of a 1 MiB body at once (the server is then writing a blob file), then cuts the
    /// rest as <paramref name="cut"/> says. Returns whether the server closed the connection, and when.
    /// </summary>
    private static async Task<(bool ServerClosed, TimeSpan After)> SendCutShortAsync(Uri endpoint, RawSigV4 request, Cut cut)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endpoint.Host, endpoint.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(request.Head());
        var sentAtOnce = cut == Cut.BelowMinimumDataRate ? 0 : 300 * 1024;
        await stream.WriteAsync(request.Body.AsMemory(0, sentAtOnce));
        var watch = Stopwatch.StartNew();
        switch (cut)
        {
            case Cut.ConnectionReset:
                await Task.Delay(300);
                client.Client.LingerState = new LingerOption(true, 0); // close sends RST
                client.Client.Close();
                return (false, watch.Elapsed);
            case Cut.HalfClosed:
                await Task.Delay(300);
                client.Client.Shutdown(SocketShutdown.Send);
                await DrainUntilClosedAsync(stream, TimeSpan.FromSeconds(30));
                return (false, watch.Elapsed);
            default:
                // 2 bytes a second, far below 240 B/s: Kestrel cuts it once its 5 s grace period is over and the
                // average since the body started falls under 240 B/s.
                using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
                {
                    var reading = DrainUntilClosedAsync(stream, TimeSpan.FromSeconds(60));
                    for (var at = sentAtOnce; at < request.Body.Length && !reading.IsCompleted && !limit.IsCancellationRequested; at++)
                    {
                        try
                        {
                            await stream.WriteAsync(request.Body.AsMemory(at, 1), limit.Token);
                            await Task.Delay(500, limit.Token);
                        }
                        catch (Exception error) when (error is IOException or OperationCanceledException or SocketException)
                        {
                            break;
                        }
                    }
                    var closed = await reading;
                    return (closed, watch.Elapsed);
                }
        }
    }

    /// <summary>Reads whatever the server answers until it closes the connection; false when it did not within <paramref name="limit"/>.</summary>
    private static async Task<bool> DrainUntilClosedAsync(NetworkStream stream, TimeSpan limit)
    {
        using var deadline = new CancellationTokenSource(limit);
        var buffer = new byte[4096];
        try
        {
            while (await stream.ReadAsync(buffer, deadline.Token) > 0)
            {
            }
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public static TheoryData<string, int> OversizedHeads => new()
    {
        { "one-header-of-70-KiB", 1 },
        { "200-headers-of-400-B", 200 },
        { "request-target-of-10-KiB", 0 },
    };

    [Theory]
    [MemberData(nameof(OversizedHeads))]
    public async Task Oversized_headers_are_refused_and_the_server_stays_up(string name, int headers)
    {
        using var sandbox = new Sandbox();
        await using var server = await StartAsync(sandbox, createBucket: true);
        var head = new StringBuilder();
        var target = headers == 0 ? $"/{Bucket}/" + new string('t', 10 * 1024) : $"/{Bucket}/oversized";
        head.Append("GET ").Append(target).Append(" HTTP/1.1\r\nHost: ").Append(server.Endpoint.Authority).Append("\r\n");
        for (var i = 0; i < headers; i++) head.Append("x-pad-").Append(i).Append(": ").Append(new string('p', headers == 1 ? 70 * 1024 : 400)).Append("\r\n");
        head.Append("Connection: close\r\n\r\n");

        var response = await RawHttp.SendAsync(server.Endpoint, Encoding.ASCII.GetBytes(head.ToString()), []);

        // Kestrel: 431 past MaxRequestHeadersTotalSize (64 KiB), 414 past MaxRequestLineSize (8 KiB).
        Assert.True(response.Status is 431 or 400 or 414, $"{name}: expected 431, 400 or 414, got {response}");
        Assert.True(await server.IsHealthyAsync());
        using var s3 = server.CreateClient();
        await ServeOneAsync(s3, "after/" + name);
        Figures.Write(output, "oversized_head." + name, [("status", response.Status)]);
    }
}

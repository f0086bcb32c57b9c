using System.Net.Sockets;
using System.Text;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// Browser-upload forms (POST /bucket) built to hurt: a form of 10,000 fields, a 1 GiB file against a 1 MiB
/// content-length-range, a file part that stalls, a tampered or expired policy. Each is refused with S3's code,
/// stores nothing and leaves the server up.
/// </summary>
public sealed class HostilePostUploads(HostileServer server) : IClassFixture<HostileServer>
{
    private const string Boundary = "----StrataHostileForm7MA4YWxkTrZu0gW";

    private static List<KeyValuePair<string, string>> SignedForm(string conditions, DateTimeOffset? expiration = null)
    {
        var now = DateTimeOffset.UtcNow;
        var fields = PostForms.SignedV4(conditions, expiration ?? now.AddMinutes(10), now);
        fields.Insert(0, new("key", "posted/file.bin"));
        return fields;
    }

    /// <summary>The form up to the file part's content, and what closes it.</summary>
    private static (byte[] Prefix, byte[] Suffix) Frame(IEnumerable<KeyValuePair<string, string>> fields)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            text.Append("--").Append(Boundary).Append("\r\nContent-Disposition: form-data; name=\"").Append(name).Append("\"\r\n\r\n").Append(value).Append("\r\n");
        }
        text.Append("--").Append(Boundary).Append("\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file.bin\"\r\n")
            .Append("Content-Type: application/octet-stream\r\n\r\n");
        return (Encoding.UTF8.GetBytes(text.ToString()), Encoding.ASCII.GetBytes($"\r\n--{Boundary}--\r\n"));
    }

    private byte[] Head(long contentLength) => Encoding.ASCII.GetBytes(
        $"POST /{HostileServer.Plain} HTTP/1.1\r\nHost: {server.Endpoint.Authority}\r\nContent-Type: multipart/form-data; boundary={Boundary}\r\n" +
        $"Content-Length: {contentLength}\r\nConnection: close\r\n\r\n");

    private async Task<RawResponse> PostAsync(IEnumerable<KeyValuePair<string, string>> fields, byte[] file)
    {
        var (prefix, suffix) = Frame(fields);
        var body = prefix.Concat(file).Concat(suffix).ToArray();
        return await RawHttp.SendAsync(server.Endpoint, Head(body.Length), body);
    }

    [Fact]
    public async Task A_form_of_ten_thousand_fields_is_refused_before_its_file()
    {
        var before = await server.StartCaseAsync();
        var fields = SignedForm("""["starts-with", "$key", ""]""");
        fields.InsertRange(1, Enumerable.Range(0, 10_000).Select(i => new KeyValuePair<string, string>($"x-ignore-{i}", "v")));

        HostileServer.AssertRefused(await PostAsync(fields, "x"u8.ToArray()), 400, "MaxPostPreDataLengthExceededError");
        await server.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task One_field_larger_than_all_fields_may_be_is_refused()
    {
        var before = await server.StartCaseAsync();
        var fields = SignedForm("""["starts-with", "$key", ""]""");
        fields.Insert(1, new("x-ignore-big", new string('b', 64 * 1024)));

        HostileServer.AssertRefused(await PostAsync(fields, "x"u8.ToArray()), 400, "MaxPostPreDataLengthExceededError");
        await server.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task A_tampered_policy_is_SignatureDoesNotMatch_and_an_expired_one_AccessDenied()
    {
        var before = await server.StartCaseAsync();
        var tampered = SignedForm("""["starts-with", "$key", "posted/"]""");
        var index = tampered.FindIndex(f => f.Key == "policy");
        var json = Encoding.UTF8.GetString(Convert.FromBase64String(tampered[index].Value)).Replace("\"posted/\"", "\"\"");
        tampered[index] = new("policy", Convert.ToBase64String(Encoding.UTF8.GetBytes(json)));
        HostileServer.AssertRefused(await PostAsync(tampered, "x"u8.ToArray()), 403, "SignatureDoesNotMatch");

        var expired = SignedForm("""["starts-with", "$key", ""]""", DateTimeOffset.UtcNow.AddMinutes(-1));
        HostileServer.AssertRefused(await PostAsync(expired, "x"u8.ToArray()), 403, "AccessDenied");
        await server.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task A_form_whose_body_ends_inside_the_file_is_refused_and_stores_nothing()
    {
        var before = await server.StartCaseAsync();
        var (prefix, _) = Frame(SignedForm("""["starts-with", "$key", ""]"""));
        var file = new byte[200 * 1024];
        // The closing boundary never comes: the body is exactly as long as it says, and ends mid-file.
        var body = prefix.Concat(file).ToArray();
        var response = await RawHttp.SendAsync(server.Endpoint, Head(body.Length), body);

        HostileServer.AssertRefused(response, 400, "IncompleteBody");
        await server.AssertUnharmedEventuallyAsync(before);
    }

    /// <summary>
    /// 1 GiB against a 1 MiB content-length-range: the server answers EntityTooLarge once the file passes 1 MiB
    /// (a client reading the answer stops there, a few MiB of socket buffers later), with Connection: close;
    /// nothing past the first MiB was written and nothing of it stays on disk.
    /// </summary>
    [Fact]
    public async Task A_gigabyte_file_over_a_one_megabyte_range_is_refused_early_and_leaves_nothing()
    {
        var before = await server.StartCaseAsync();
        var (prefix, suffix) = Frame(SignedForm("""["starts-with", "$key", ""], ["content-length-range", 0, 1048576]"""));
        const long fileSize = 1L << 30;
        using var client = new TcpClient();
        await client.ConnectAsync(server.Endpoint.Host, server.Endpoint.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Head(prefix.Length + fileSize + suffix.Length));
        await stream.WriteAsync(prefix);
        var firstByte = new byte[1];
        var answered = stream.ReadAsync(firstByte).AsTask();
        var chunk = new byte[256 * 1024];
        long sent = 0;
        try
        {
            while (sent < fileSize && !answered.IsCompleted)
            {
                await stream.WriteAsync(chunk);
                sent += chunk.Length;
            }
        }
        catch (Exception error) when (error is IOException or SocketException)
        {
            // The server closed the connection after its answer.
        }
        await answered;
        var answer = (char)firstByte[0] + await ReadAnswerAsync(stream);

        Assert.True(sent < fileSize / 4, $"the client pushed {sent >> 20} MiB of the 1 GiB file before the server stopped it");
        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Contains("Connection: close", answer, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("<Code>EntityTooLarge</Code>", answer, StringComparison.Ordinal);
        await server.AssertUnharmedEventuallyAsync(before);
    }

    /// <summary>A file part that stops arriving is given up as a PUT body is: RequestTimeout after its 20 s window.</summary>
    [Fact]
    public async Task A_file_that_stalls_is_cut_with_RequestTimeout_and_leaves_nothing()
    {
        var before = await server.StartCaseAsync();
        var (prefix, suffix) = Frame(SignedForm("""["starts-with", "$key", ""]"""));
        var file = new byte[300 * 1024];
        using var client = new TcpClient();
        await client.ConnectAsync(server.Endpoint.Host, server.Endpoint.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Head(prefix.Length + file.Length + suffix.Length));
        await stream.WriteAsync(prefix);
        await stream.WriteAsync(file.AsMemory(0, 100 * 1024));
        var answer = await ReadAnswerAsync(stream); // and never send the rest

        Assert.Contains("RequestTimeout", answer, StringComparison.Ordinal);
        await server.AssertUnharmedEventuallyAsync(before);
    }

    /// <summary>
    /// Fields that come in a burst and then trickle: Kestrel's minimum data rate is an average since the body began,
    /// so 18 KB at once buys a 2 B/s trickle more than a minute; the fields must all arrive within 40 s.
    /// </summary>
    [LongFact]
    [Trait("Category", "Long")]
    public async Task Fields_that_trickle_after_a_burst_are_cut_with_RequestTimeout()
    {
        var before = await server.StartCaseAsync();
        var fields = SignedForm("""["starts-with", "$key", ""]""");
        fields.Insert(1, new("x-ignore-padding", new string('p', 18 * 1024)));
        var (prefix, _) = Frame(fields);
        using var client = new TcpClient();
        await client.ConnectAsync(server.Endpoint.Host, server.Endpoint.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(Head(prefix.Length + 1024));
        var burst = prefix.Length - 200;
        await stream.WriteAsync(prefix.AsMemory(0, burst));
        var reading = ReadAnswerAsync(stream);
        for (var at = burst; at < prefix.Length && !reading.IsCompleted; at++)
        {
            try
            {
                await stream.WriteAsync(prefix.AsMemory(at, 1));
                await Task.Delay(500);
            }
            catch (Exception error) when (error is IOException or SocketException)
            {
                break;
            }
        }

        Assert.Contains("<Code>RequestTimeout</Code>", await reading, StringComparison.Ordinal);
        await server.AssertUnharmedAsync(before);
    }

    // Not a timing assertion: a server that never answers would otherwise hang the test.
    private static async Task<string> ReadAnswerAsync(NetworkStream stream)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var answer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(answer, limit.Token);
        }
        catch (Exception error) when (error is IOException or SocketException or OperationCanceledException)
        {
        }
        return Encoding.UTF8.GetString(answer.ToArray());
    }
}

using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>What came back on a raw connection; <see cref="Status"/> is 0 when the server closed it without answering.</summary>
internal sealed record RawResponse(int Status, string Head, string Body)
{
    public string? Code => Regex.Match(Body, "<Code>([^<]*)</Code>") is { Success: true } m ? m.Groups[1].Value : null;

    public override string ToString() => $"{Status} {Code}\n{Head}\n{Body}";
}

/// <summary>
/// HTTP/1.1 over a bare socket, for what HttpClient will not send: unnormalized paths, a Content-Length
/// that lies, a body cut short by closing the connection.
/// </summary>
internal static class RawHttp
{
    // Not a timing assertion: a server that never answers would otherwise hang the test.
    private static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(30);

    public static Task<RawResponse> SendAsync(Uri endpoint, RawSigV4 request) => SendAsync(endpoint, request.Head(), request.Body);

    /// <summary>
    /// Sends <paramref name="head"/> and <paramref name="body"/> and reads the answer to the end (the head asks for
    /// Connection: close). <paramref name="halfClose"/> then ends our side: Kestrel takes that as the client gone,
    /// which is how a body cut short by a dying client looks.
    /// </summary>
    public static async Task<RawResponse> SendAsync(Uri endpoint, byte[] head, byte[] body, bool halfClose = false)
    {
        using var client = new TcpClient();
        using var limit = new CancellationTokenSource(AnswerLimit);
        await client.ConnectAsync(endpoint.Host, endpoint.Port, limit.Token);
        var stream = client.GetStream();
        var answer = new MemoryStream();
        try
        {
            await stream.WriteAsync(head, limit.Token);
            await stream.WriteAsync(body, limit.Token);
            if (halfClose) client.Client.Shutdown(SocketShutdown.Send);
            await stream.CopyToAsync(answer, limit.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before it read everything we meant to send.
        }
        catch (SocketException)
        {
        }
        return Parse(answer.ToArray());
    }

    private static RawResponse Parse(byte[] bytes)
    {
        var text = Encoding.UTF8.GetString(bytes);
        var split = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0 || !text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal)) return new RawResponse(0, text, "");
        var head = text[..split];
        var body = text[(split + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)) body = Dechunk(body);
        return new RawResponse(int.Parse(head.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture), head, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (at < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            if (lineEnd < 0) break;
            var size = Convert.ToInt32(chunked[at..lineEnd].Split(';')[0], 16);
            if (size == 0) break;
            // Response bodies here are ASCII XML, so characters and bytes agree.
            body.Append(chunked, lineEnd + 2, Math.Min(size, chunked.Length - lineEnd - 2));
            at = lineEnd + 2 + size + 2;
        }
        return body.ToString();
    }
}

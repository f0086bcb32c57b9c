using System.Buffers;
using System.Net;

namespace Strata.Bench.Client;

/// <summary>A request the endpoint refused or answered wrongly; its text is the error's bucket in the report.</summary>
internal sealed class BenchRequestException(string summary) : Exception(summary);

/// <summary>
/// The bench's S3 client: one pooled HttpClient (keep-alive connections, no proxy, cookies or decompression)
/// and the lean signer, path-style addressing. Only the calls the workloads make, each returning the bytes
/// it moved; a non-2xx answer throws <see cref="BenchRequestException"/> with the status and S3 code.
/// </summary>
internal sealed partial class S3BenchClient : IDisposable
{
    private const int DrainBufferSize = 64 * 1024;
    private static readonly byte[] KeyTag = "<Key>"u8.ToArray();
    private static readonly byte[] TruncatedTag = "<IsTruncated>true</IsTruncated>"u8.ToArray();

    private readonly HttpClient _http;
    private readonly SigV4Signer _signer;
    private readonly string _origin;
    private readonly string _host;
    private long _amzSecond = -1;
    private string _amzDate = "";

    /// <param name="caBundle">A PEM file of CA certificates to trust for an https:// endpoint (as --ca-bundle), or null for the system's.</param>
    public S3BenchClient(Uri endpoint, string accessKey, string secretKey, string region, int maxConnections, string? caBundle = null)
    {
        Endpoint = endpoint;
        _origin = endpoint.GetLeftPart(UriPartial.Authority);
        _host = endpoint.IsDefaultPort ? endpoint.Host : endpoint.Authority;
        _signer = new SigV4Signer(accessKey, secretKey, region);
        var handler = caBundle is null ? new SocketsHttpHandler() : Strata.Client.Connection.TrustedCa.CreateHandler(caBundle);
        handler.UseProxy = false;
        handler.UseCookies = false;
        handler.AllowAutoRedirect = false;
        handler.AutomaticDecompression = DecompressionMethods.None;
        handler.PooledConnectionLifetime = Timeout.InfiniteTimeSpan;
        handler.PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5);
        handler.MaxConnectionsPerServer = Math.Max(1, maxConnections);
        handler.ConnectTimeout = TimeSpan.FromSeconds(10);
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(10) };
    }

    public Uri Endpoint { get; }

    public async ValueTask<long> PutObjectAsync(string bucket, string key, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, ObjectPath(bucket, key), "", SigV4Signer.UnsignedPayload);
        request.Content = new ReadOnlyMemoryContent(body);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return body.Length;
    }

    /// <summary>
    /// A multipart upload of <paramref name="body"/> in parts of <paramref name="partSize"/>, up to
    /// <paramref name="partConcurrency"/> parts in flight; aborted when a part or the completion fails.
    /// </summary>
    public async ValueTask<long> PutObjectMultipartAsync(string bucket, string key, ReadOnlyMemory<byte> body, long partSize, int partConcurrency,
        CancellationToken cancellationToken)
    {
        var path = ObjectPath(bucket, key);
        string uploadId;
        using (var create = Request(HttpMethod.Post, path, "uploads=", SigV4Signer.EmptyPayloadHash))
        {
            using var response = await _http.SendAsync(create, cancellationToken);
            await EnsureSuccessAsync(response, cancellationToken);
            uploadId = Between(await response.Content.ReadAsStringAsync(cancellationToken), "<UploadId>", "</UploadId>")
                ?? throw new BenchRequestException("CreateMultipartUpload answered without an UploadId");
        }
        var partCount = (int)Math.Max(1, (body.Length + partSize - 1) / partSize);
        var etags = new string[partCount];
        try
        {
            await Parallel.ForAsync(0, partCount, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, partConcurrency), CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var start = i * partSize;
                    var part = body.Slice((int)start, (int)Math.Min(partSize, body.Length - start));
                    var query = SigV4Signer.CanonicalQuery(("partNumber", (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)), ("uploadId", uploadId));
                    using var request = Request(HttpMethod.Put, path, query, SigV4Signer.UnsignedPayload);
                    request.Content = new ReadOnlyMemoryContent(part);
                    using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                    await EnsureSuccessAsync(response, ct);
                    etags[i] = response.Headers.ETag?.Tag ?? throw new BenchRequestException("UploadPart answered without an ETag");
                });
            var xml = new System.Text.StringBuilder("<CompleteMultipartUpload>");
            for (var i = 0; i < partCount; i++) xml.Append("<Part><PartNumber>").Append(i + 1).Append("</PartNumber><ETag>").Append(etags[i]).Append("</ETag></Part>");
            xml.Append("</CompleteMultipartUpload>");
            using var complete = Request(HttpMethod.Post, path, SigV4Signer.CanonicalQuery(("uploadId", uploadId)), SigV4Signer.UnsignedPayload);
            complete.Content = new StringContent(xml.ToString(), System.Text.Encoding.UTF8, "application/xml");
            using var done = await _http.SendAsync(complete, cancellationToken);
            // S3 may answer 200 with an <Error> body once it has started the response.
            var answer = done.IsSuccessStatusCode ? await done.Content.ReadAsStringAsync(cancellationToken) : null;
            if (answer is null) await EnsureSuccessAsync(done, cancellationToken);
            if (answer!.Contains("<Error>", StringComparison.Ordinal)) throw new BenchRequestException($"CompleteMultipartUpload: {Between(answer, "<Code>", "</Code>")}");
        }
        catch
        {
            using var abort = Request(HttpMethod.Delete, path, SigV4Signer.CanonicalQuery(("uploadId", uploadId)), SigV4Signer.EmptyPayloadHash);
            using var _ = await _http.SendAsync(abort, CancellationToken.None);
            throw;
        }
        return body.Length;
    }

    /// <summary>Reads the whole body into a pooled scratch buffer; a length other than <paramref name="expectedLength"/> (when given) is an error.</summary>
    public async ValueTask<long> GetObjectAsync(string bucket, string key, long expectedLength, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, ObjectPath(bucket, key), "", SigV4Signer.EmptyPayloadHash);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        var read = await DrainAsync(response, cancellationToken);
        if (expectedLength >= 0 && read != expectedLength) throw new BenchRequestException($"short GET body ({read} of {expectedLength} bytes)");
        return read;
    }

    public async ValueTask<long> DeleteObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Delete, ObjectPath(bucket, key), "", SigV4Signer.EmptyPayloadHash);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return 0;
    }

    /// <summary>One listing page: entries counted by their &lt;Key&gt; elements, plus the body's size.</summary>
    public async ValueTask<ListPage> ListAsync(string bucket, string canonicalQuery, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, "/" + bucket, canonicalQuery, SigV4Signer.EmptyPayloadHash);
        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(512 * 1024);
        try
        {
            var length = 0;
            while (true)
            {
                if (length == buffer.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }
                var n = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (n == 0) break;
                length += n;
            }
            var body = buffer.AsSpan(0, length);
            return new ListPage(Count(body, KeyTag), body.IndexOf(TruncatedTag) >= 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int Count(ReadOnlySpan<byte> body, ReadOnlySpan<byte> tag)
    {
        var count = 0;
        int at;
        while ((at = body.IndexOf(tag)) >= 0)
        {
            count++;
            body = body[(at + tag.Length)..];
        }
        return count;
    }

    private static async ValueTask<long> DrainAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = ArrayPool<byte>.Shared.Rent(DrainBufferSize);
        try
        {
            long total = 0;
            int n;
            while ((n = await stream.ReadAsync(buffer, cancellationToken)) > 0) total += n;
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string ObjectPath(string bucket, string key) => string.Concat("/", bucket, "/", SigV4Signer.UriEncode(key, keepSlash: true));

    private HttpRequestMessage Request(HttpMethod method, string path, string canonicalQuery, string payloadHash)
    {
        var amzDate = CurrentAmzDate();
        var uri = new Uri(canonicalQuery.Length == 0 ? _origin + path : string.Concat(_origin, path, "?", canonicalQuery), UriKind.Absolute);
        var request = new HttpRequestMessage(method, uri) { Version = HttpVersion.Version11 };
        var headers = request.Headers;
        headers.TryAddWithoutValidation("Authorization", _signer.Authorization(method.Method, path, canonicalQuery, _host, payloadHash, amzDate));
        headers.TryAddWithoutValidation("x-amz-date", amzDate);
        headers.TryAddWithoutValidation("x-amz-content-sha256", payloadHash);
        return request;
    }

    /// <summary>x-amz-date changes once a second; formatting it per request would be most of the signer's garbage.</summary>
    private string CurrentAmzDate()
    {
        var now = DateTime.UtcNow;
        var second = now.Ticks / TimeSpan.TicksPerSecond;
        if (Volatile.Read(ref _amzSecond) == second) return Volatile.Read(ref _amzDate);
        var text = SigV4Signer.AmzDate(now);
        Volatile.Write(ref _amzDate, text);
        Volatile.Write(ref _amzSecond, second);
        return text;
    }

    private static async ValueTask EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode) return;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var code = Between(body, "<Code>", "</Code>");
        throw new BenchRequestException($"HTTP {(int)response.StatusCode}{(code is null ? "" : " " + code)}");
    }

    private static string? Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0) return null;
        i += start.Length;
        var j = text.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? null : text[i..j];
    }

    public void Dispose() => _http.Dispose();
}

internal readonly record struct ListPage(int Entries, bool IsTruncated, long Bytes);

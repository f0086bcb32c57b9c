using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Strata.Bench.Baselines;

/// <summary>
/// The HTTP ceiling: Kestrel on 127.0.0.1:0 doing no work. PUT (an object or a part) reads and drops the body,
/// GET answers with <see cref="ObjectSize"/> bytes, DELETE answers 204, POST answers as CreateMultipartUpload or
/// CompleteMultipartUpload, a listing answers a canned page of 1000 entries shaped like S3's. No signature is
/// checked, so the same client against it measures everything but the server.
/// </summary>
internal sealed class NoopHttpServer : IAsyncDisposable
{
    private const int ChunkSize = 64 * 1024;
    private readonly WebApplication _app;
    private readonly byte[] _payload;
    private readonly byte[] _versionsPage = CannedPage(versions: true);
    private readonly byte[] _objectsPage = CannedPage(versions: false);
    private static readonly byte[] InitiateAnswer =
        "<InitiateMultipartUploadResult><Bucket>noop</Bucket><Key>noop</Key><UploadId>noop</UploadId></InitiateMultipartUploadResult>"u8.ToArray();
    private static readonly byte[] CompleteAnswer =
        "<CompleteMultipartUploadResult><Bucket>noop</Bucket><Key>noop</Key><ETag>\"noop-1\"</ETag></CompleteMultipartUploadResult>"u8.ToArray();

    private NoopHttpServer(WebApplication app, byte[] payload, Uri endpoint)
    {
        _app = app;
        _payload = payload;
        Endpoint = endpoint;
    }

    public Uri Endpoint { get; }

    /// <summary>Bytes each GET of an object returns; set before a workload reads.</summary>
    public long ObjectSize { get; set; }

    public static async Task<NoopHttpServer> StartAsync(byte[] payload, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        NoopHttpServer? server = null;
        app.Run(context => server!.HandleAsync(context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server = new NoopHttpServer(app, payload, new Uri(address));
        return server;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers["x-amz-request-id"] = "noop";
        if (HttpMethods.IsPut(request.Method))
        {
            await DrainAsync(request.Body, context.RequestAborted);
            response.Headers.ETag = "\"noop\"";
            return;
        }
        if (HttpMethods.IsPost(request.Method))
        {
            // CreateMultipartUpload (?uploads) or CompleteMultipartUpload (?uploadId=): S3's answers, minimal.
            await DrainAsync(request.Body, context.RequestAborted);
            var answer = request.Query.ContainsKey("uploads") ? InitiateAnswer : CompleteAnswer;
            response.ContentType = "application/xml";
            response.ContentLength = answer.Length;
            await response.Body.WriteAsync(answer, context.RequestAborted);
            return;
        }
        if (HttpMethods.IsDelete(request.Method))
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }
        if (request.Query.ContainsKey("versions") || request.Query.ContainsKey("list-type"))
        {
            var page = request.Query.ContainsKey("versions") ? _versionsPage : _objectsPage;
            response.ContentType = "application/xml";
            response.ContentLength = page.Length;
            await response.Body.WriteAsync(page, context.RequestAborted);
            return;
        }
        var size = ObjectSize;
        response.ContentType = "application/octet-stream";
        response.ContentLength = size;
        response.Headers.ETag = "\"noop\"";
        if (HttpMethods.IsHead(request.Method)) return;
        for (long sent = 0; sent < size;)
        {
            var chunk = (int)Math.Min(ChunkSize, size - sent);
            await response.Body.WriteAsync(_payload.AsMemory(0, chunk), context.RequestAborted);
            sent += chunk;
        }
    }

    private static async Task DrainAsync(Stream body, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            while (await body.ReadAsync(buffer, cancellationToken) > 0)
            {
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A page of 1000 entries with the fields and sizes S3's own pages have, so the ceiling moves the same bytes.</summary>
    private static byte[] CannedPage(bool versions)
    {
        var xml = new StringBuilder();
        xml.Append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        xml.Append(versions ? "<ListVersionsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">" : "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        xml.Append("<Name>noop</Name><Prefix>list/</Prefix><MaxKeys>1000</MaxKeys><IsTruncated>true</IsTruncated>");
        for (var i = 0; i < 1000; i++)
        {
            var key = "list/run/noop/d100000/k" + i.ToString("D8", CultureInfo.InvariantCulture);
            xml.Append(versions ? "<Version>" : "<Contents>");
            xml.Append("<Key>").Append(key).Append("</Key>");
            if (versions) xml.Append("<VersionId>0000000000000000000000000000000000000000</VersionId><IsLatest>false</IsLatest>");
            xml.Append("<LastModified>2025-01-01T00:00:00.000Z</LastModified><ETag>\"d41d8cd98f00b204e9800998ecf8427e\"</ETag><Size>16</Size>");
            if (versions) xml.Append("<Owner><ID>noop</ID><DisplayName>noop</DisplayName></Owner>");
            xml.Append("<StorageClass>STANDARD</StorageClass>");
            xml.Append(versions ? "</Version>" : "</Contents>");
        }
        xml.Append(versions ? "</ListVersionsResult>" : "</ListBucketResult>");
        return Encoding.UTF8.GetBytes(xml.ToString());
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Strata.Server.Auth.Tests;

/// <summary>A request exactly as AWSSDK.S3 put it on the wire: target, headers and encoded body.</summary>
internal sealed record CapturedRequest(string Method, string RawTarget, List<(string Name, string Value)> Headers, byte[] Body)
{
    public string? Header(string name)
    {
        foreach (var (key, value) in Headers)
        {
            if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
        }
        return null;
    }

    public Microsoft.AspNetCore.Http.HttpRequest Replay() => Http.Request(Method, RawTarget, Headers, Body);
}

/// <summary>
/// Stands where the network would be: records each request the SDK sends and answers 200, so the SDK's own
/// signer (header, chunk and trailer signatures, trailing checksums) is the oracle for the verifier.
/// </summary>
internal sealed class CapturingHandler : HttpMessageHandler
{
    public List<CapturedRequest> Requests { get; } = [];

    public CapturedRequest Last => Requests[^1];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var headers = new List<(string, string)>();
        foreach (var header in request.Headers.NonValidated) headers.Add((header.Key, header.Value.ToString()));
        if (request.Content is not null)
        {
            foreach (var header in request.Content.Headers.NonValidated) headers.Add((header.Key, header.Value.ToString()));
        }
        var uri = request.RequestUri!;
        if (request.Headers.Host is null) headers.Add(("Host", uri.IsDefaultPort ? uri.Host : uri.Authority));
        // PathAndQuery is what HttpClient writes on the request line.
        Requests.Add(new CapturedRequest(request.Method.Method, uri.PathAndQuery, headers, body));

        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]), RequestMessage = request };
        response.Headers.TryAddWithoutValidation("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
        return response;
    }
}

internal sealed class CapturingFactory(CapturingHandler handler) : HttpClientFactory
{
    public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

    public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

    public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
}

internal static class Sdk
{
    public static AmazonS3Client Client(CapturingHandler handler, bool https, Action<AmazonS3Config>? configure = null)
    {
        var config = new AmazonS3Config
        {
            ServiceURL = https ? "https://s3.strata.test" : "http://127.0.0.1:9000",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new CapturingFactory(handler),
            MaxErrorRetry = 0,
        };
        configure?.Invoke(config);
        return new AmazonS3Client(new BasicAWSCredentials(AwsExample.AccessKeyId, AwsExample.Secret), config);
    }

    /// <summary>Runs an SDK call for the request it sends; the fake answer may not parse as the response, which is fine.</summary>
    public static async Task<CapturedRequest> CaptureAsync(CapturingHandler handler, Func<Task> call)
    {
        var before = handler.Requests.Count;
        try
        {
            await call();
        }
        catch (AmazonServiceException) when (handler.Requests.Count > before)
        {
        }
        catch (AmazonClientException) when (handler.Requests.Count > before)
        {
        }
        return handler.Last;
    }

    /// <summary>A presigned URL as the request that opens it: the target exactly as the URL holds it, and Host.</summary>
    public static CapturedRequest FromUrl(string method, string url, byte[]? body = null)
    {
        // System.Uri would re-escape or collapse parts of the target.
        var afterScheme = url.IndexOf("://", StringComparison.Ordinal) + 3;
        var slash = url.IndexOf('/', afterScheme);
        return new CapturedRequest(method, url[slash..], [("Host", url[afterScheme..slash])], body ?? []);
    }

    public static RequestAuthenticator Authenticator() =>
        new(new Credentials(new AccessKey(AwsExample.AccessKeyId, AwsExample.Secret), "000000000000"), TimeProvider.System, "us-east-1");
}

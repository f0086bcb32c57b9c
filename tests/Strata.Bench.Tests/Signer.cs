using System.Net;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Bench.Client;

namespace Strata.Bench.Tests;

/// <summary>
/// The bench's signer against AWS's documented example and against AWSSDK.S3 itself: the SDK signs a request,
/// the bench signer signs the same canonical pieces, and the signatures must match.
/// </summary>
public sealed class Signer
{
    private const string ExampleAccessKey = "AKIAIOSFODNN7EXAMPLE";
    private const string ExampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    [Fact]
    public void The_documented_get_object_example_signs_to_its_published_signature()
    {
        var signer = new SigV4Signer(ExampleAccessKey, ExampleSecret, "us-east-1");
        (string, string)[] headers =
        [
            ("host", "examplebucket.s3.amazonaws.com"),
            ("range", "bytes=0-9"),
            ("x-amz-content-sha256", SigV4Signer.EmptyPayloadHash),
            ("x-amz-date", "20130524T000000Z"),
        ];

        var authorization = signer.Authorization("GET", "/test.txt", "", headers, "host;range;x-amz-content-sha256;x-amz-date",
            SigV4Signer.EmptyPayloadHash, "20130524T000000Z");

        Assert.Equal("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, " +
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, " +
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", authorization);
    }

    [Fact]
    public async Task A_put_signs_as_the_sdk_signs_it()
    {
        var request = await CaptureAsync(s3 => s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = "bench",
            Key = "photos/a b+c(1).jpg",
            ContentBody = "hello",
            UseChunkEncoding = false,
            DisablePayloadSigning = true,
        }));
        Assert.Equal(SigV4Signer.UnsignedPayload, request.Header("x-amz-content-sha256"));
        AssertBenchSignerAgrees(request, "photos/a b+c(1).jpg");
    }

    [Fact]
    public async Task A_get_signs_as_the_sdk_signs_it()
    {
        var request = await CaptureAsync(s3 => s3.GetObjectAsync("bench", "read/run/o7"));
        AssertBenchSignerAgrees(request, "read/run/o7");
    }

    [Fact]
    public async Task A_listing_query_is_canonicalized_as_the_sdk_does_it()
    {
        var request = await CaptureAsync(s3 => s3.ListVersionsAsync(new ListVersionsRequest
        {
            BucketName = "bench",
            Prefix = "list/run/d10000/",
            KeyMarker = "list/run/d10000/k00000042",
            MaxKeys = 1000,
        }));
        AssertBenchSignerAgrees(request, key: null);
    }

    [Theory]
    [InlineData("plain/key-1_2.3~x", "plain/key-1_2.3~x")]
    [InlineData("a b", "a%20b")]
    [InlineData("a+b=c&d", "a%2Bb%3Dc%26d")]
    [InlineData("é", "%C3%A9")]
    public void Keys_are_encoded_once_with_slashes_kept(string key, string expected) => Assert.Equal(expected, SigV4Signer.UriEncode(key, keepSlash: true));

    [Fact]
    public void Query_parameters_sort_by_name_and_encode_slashes()
    {
        var query = SigV4Signer.CanonicalQuery(("versions", ""), ("prefix", "list/a"), ("max-keys", "1000"), ("key-marker", "list/a/k1"));
        Assert.Equal("key-marker=list%2Fa%2Fk1&max-keys=1000&prefix=list%2Fa&versions=", query);
    }

    /// <summary>Rebuilds the SDK's request from its parts and signs it with the bench signer.</summary>
    private static void AssertBenchSignerAgrees(Captured request, string? key)
    {
        var authorization = request.Header("Authorization")!;
        var signedHeaders = Between(authorization, "SignedHeaders=", ",");
        var headers = new List<(string, string)>();
        foreach (var name in signedHeaders.Split(';')) headers.Add((name, request.Header(name)!.Trim()));
        headers.Sort((a, b) => string.CompareOrdinal(a.Item1, b.Item1));
        var question = request.Target.IndexOf('?');
        var path = question < 0 ? request.Target : request.Target[..question];
        var query = question < 0 ? "" : Canonical(request.Target[(question + 1)..]);
        if (key is not null) Assert.Equal("/bench/" + SigV4Signer.UriEncode(key, keepSlash: true), path);
        var amzDate = request.Header("x-amz-date")!;

        var signer = new SigV4Signer(ExampleAccessKey, ExampleSecret, "us-east-1");
        var ours = signer.Authorization(request.Method, path, query, headers.ToArray(), signedHeaders, request.Header("x-amz-content-sha256")!, amzDate);

        Assert.Equal(authorization, ours);
    }

    private static string Canonical(string rawQuery)
    {
        var pairs = new List<(string, string)>();
        foreach (var part in rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=');
            pairs.Add(eq < 0 ? (Uri.UnescapeDataString(part), "") : (Uri.UnescapeDataString(part[..eq]), Uri.UnescapeDataString(part[(eq + 1)..])));
        }
        return SigV4Signer.CanonicalQuery([.. pairs]);
    }

    private static string Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal) + start.Length;
        return text[i..text.IndexOf(end, i, StringComparison.Ordinal)];
    }

    private sealed record Captured(string Method, string Target, List<(string Name, string Value)> Headers)
    {
        public string? Header(string name)
        {
            foreach (var (key, value) in Headers)
            {
                if (key.Equals(name, StringComparison.OrdinalIgnoreCase)) return value;
            }
            return null;
        }
    }

    private static async Task<Captured> CaptureAsync(Func<AmazonS3Client, Task> call)
    {
        var handler = new CapturingHandler();
        var config = new AmazonS3Config
        {
            // https: the SDK sends UNSIGNED-PAYLOAD (the bench's mode) only over TLS; nothing is really sent.
            ServiceURL = "https://s3.strata.test",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            HttpClientFactory = new CapturingFactory(handler),
            MaxErrorRetry = 0,
            // No trailing checksum, so the PUT goes as a plain UNSIGNED-PAYLOAD body like the bench's.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        };
        using var s3 = new AmazonS3Client(new BasicAWSCredentials(ExampleAccessKey, ExampleSecret), config);
        try
        {
            await call(s3);
        }
        catch (AmazonServiceException) when (handler.Last is not null)
        {
        }
        catch (AmazonClientException) when (handler.Last is not null)
        {
        }
        return handler.Last ?? throw new InvalidOperationException("the SDK sent nothing");
    }

    /// <summary>Stands where the network would be: keeps the request as sent and answers an empty 200.</summary>
    private sealed class CapturingHandler : HttpMessageHandler
    {
        public Captured? Last { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var headers = new List<(string, string)>();
            foreach (var header in request.Headers.NonValidated) headers.Add((header.Key, header.Value.ToString()));
            if (request.Content is not null)
            {
                foreach (var header in request.Content.Headers.NonValidated) headers.Add((header.Key, header.Value.ToString()));
            }
            var uri = request.RequestUri!;
            if (request.Headers.Host is null) headers.Add(("host", uri.IsDefaultPort ? uri.Host : uri.Authority));
            Last = new Captured(request.Method.Method, uri.PathAndQuery, headers);
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]), RequestMessage = request };
            response.Headers.TryAddWithoutValidation("ETag", "\"d41d8cd98f00b204e9800998ecf8427e\"");
            return Task.FromResult(response);
        }
    }

    private sealed class CapturingFactory(CapturingHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => true;
    }
}

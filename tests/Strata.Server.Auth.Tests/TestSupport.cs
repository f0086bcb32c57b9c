using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Strata.Core;

namespace Strata.Server.Auth.Tests;

/// <summary>A clock that says what the test says: no package, no waiting.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

/// <summary>The key pair and moment of the AWS documentation's SigV4 examples.</summary>
internal static class AwsExample
{
    public const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";
    public const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    public static readonly DateTimeOffset Time = new(2013, 5, 24, 0, 0, 0, TimeSpan.Zero);
    public const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    public static RequestAuthenticator Authenticator(DateTimeOffset? now = null, string region = "us-east-1") =>
        new(new Credentials(new AccessKey(AccessKeyId, Secret), "000000000000"), new FixedTime(now ?? Time), region);

    public static string Authorization(string signedHeaders, string signature, string scope = "20130524/us-east-1/s3/aws4_request", string accessKeyId = AccessKeyId) =>
        $"AWS4-HMAC-SHA256 Credential={accessKeyId}/{scope},SignedHeaders={signedHeaders},Signature={signature}";
}

internal static class Http
{
    /// <summary>
    /// A request as Kestrel would present it: the raw target exactly as sent, the decoded path and query
    /// beside it, headers in order, and the body as a stream.
    /// </summary>
    public static HttpRequest Request(string method, string rawTarget, IEnumerable<(string Name, string Value)> headers, byte[]? body = null, Stream? bodyStream = null)
    {
        var context = new DefaultHttpContext();
        var request = context.Request;
        request.Method = method;
        var question = rawTarget.IndexOf('?');
        var path = question < 0 ? rawTarget : rawTarget[..question];
        request.Path = PathString.FromUriComponent(path);
        request.QueryString = question < 0 ? QueryString.Empty : QueryString.FromUriComponent(rawTarget[question..]);
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        foreach (var (name, value) in headers) request.Headers.Append(name, value);
        if (bodyStream is not null) request.Body = bodyStream;
        else if (body is not null) request.Body = new MemoryStream(body);
        return request;
    }

    public static async Task<byte[]> ReadAllAsync(Stream stream, int bufferSize = 81920)
    {
        var result = new MemoryStream();
        var buffer = new byte[bufferSize];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0) result.Write(buffer, 0, read);
        return result.ToArray();
    }

    public static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);
}

internal static class S3Assert
{
    public static StrataException Fails(StrataError error, Action action)
    {
        var failure = Assert.Throws<StrataException>(action);
        Assert.Equal(error, failure.Error);
        return failure;
    }

    public static async Task<StrataException> FailsAsync(StrataError error, Func<Task> action)
    {
        var failure = await Assert.ThrowsAsync<StrataException>(action);
        Assert.Equal(error, failure.Error);
        return failure;
    }
}

/// <summary>A body that arrives a few bytes at a time, so every frame boundary falls between reads.</summary>
internal sealed class TrickleStream(byte[] data, int step) : Stream
{
    private int _position;

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = Math.Min(Math.Min(step, count), data.Length - _position);
        Array.Copy(data, _position, buffer, offset, n);
        _position += n;
        return n;
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => data.Length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

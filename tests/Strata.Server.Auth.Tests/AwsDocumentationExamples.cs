using Strata.Core;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// The examples of "Signature Calculations for the Authorization Header: Transferring Payload in a Single
/// Chunk" and "Authenticating Requests: Using Query Parameters", verbatim: same key, moment, headers, signature.
/// </summary>
public sealed class AwsDocumentationExamples
{
    private static readonly (string, string)[] GetObjectHeaders =
    [
        ("Host", "examplebucket.s3.amazonaws.com"),
        ("Range", "bytes=0-9"),
        ("x-amz-content-sha256", AwsExample.EmptySha256),
        ("x-amz-date", "20130524T000000Z"),
    ];

    private static (string, string)[] WithAuthorization((string, string)[] headers, string authorization) =>
        [.. headers, ("Authorization", authorization)];

    [Fact]
    public void Get_object_with_a_range_is_accepted()
    {
        var request = Http.Request("GET", "/test.txt", WithAuthorization(GetObjectHeaders, AwsExample.Authorization(
            "host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")));

        var result = AwsExample.Authenticator().Authenticate(request);

        Assert.Equal(AwsExample.AccessKeyId, result.AccessKeyId);
    }

    [Fact]
    public void Get_object_with_a_changed_range_is_refused()
    {
        (string, string)[] headers = [.. GetObjectHeaders[..1], ("Range", "bytes=0-99"), .. GetObjectHeaders[2..]];
        var request = Http.Request("GET", "/test.txt", WithAuthorization(headers, AwsExample.Authorization(
            "host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")));

        S3Assert.Fails(StrataError.SignatureDoesNotMatch, () => AwsExample.Authenticator().Authenticate(request));
    }

    private static Microsoft.AspNetCore.Http.HttpRequest PutObject(string body) => Http.Request("PUT", "/test%24file.text",
    [
        ("Host", "examplebucket.s3.amazonaws.com"),
        ("Date", "Fri, 24 May 2013 00:00:00 GMT"),
        ("Authorization", AwsExample.Authorization("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class",
            "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")),
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("x-amz-content-sha256", "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"),
        ("Content-Length", body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ], Http.Ascii(body));

    [Fact]
    public async Task Put_object_with_a_signed_payload_hash_yields_the_payload()
    {
        var result = AwsExample.Authenticator().Authenticate(PutObject("Welcome to Amazon S3."));

        Assert.Equal(21, result.PayloadLength);
        Assert.Equal(Http.Ascii("Welcome to Amazon S3."), await Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public async Task Put_object_whose_body_differs_from_its_signed_hash_fails_at_the_end()
    {
        var result = AwsExample.Authenticator().Authenticate(PutObject("Welcome to Amazon S4."));

        await S3Assert.FailsAsync(StrataError.XAmzContentSHA256Mismatch, () => Http.ReadAllAsync(result.Payload));
    }

    [Fact]
    public void Get_bucket_lifecycle_signs_a_valueless_query_parameter()
    {
        var request = Http.Request("GET", "/?lifecycle",
        [
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-content-sha256", AwsExample.EmptySha256),
            ("Authorization", AwsExample.Authorization("host;x-amz-content-sha256;x-amz-date",
                "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")),
        ]);

        Assert.Equal(AwsExample.AccessKeyId, AwsExample.Authenticator().Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void List_objects_signs_the_query_sorted()
    {
        var request = Http.Request("GET", "/?max-keys=2&prefix=J",
        [
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-content-sha256", AwsExample.EmptySha256),
            ("Authorization", AwsExample.Authorization("host;x-amz-content-sha256;x-amz-date",
                "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")),
        ]);

        Assert.Equal(AwsExample.AccessKeyId, AwsExample.Authenticator().Authenticate(request).AccessKeyId);
    }

    internal const string PresignedTarget =
        "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
        "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

    [Fact]
    public async Task Presigned_get_is_accepted_within_its_lifetime()
    {
        var request = Http.Request("GET", PresignedTarget, [("Host", "examplebucket.s3.amazonaws.com")]);

        var result = AwsExample.Authenticator(AwsExample.Time.AddHours(23)).Authenticate(request);

        Assert.Equal(AwsExample.AccessKeyId, result.AccessKeyId);
        Assert.Empty(await Http.ReadAllAsync(result.Payload));
    }
}

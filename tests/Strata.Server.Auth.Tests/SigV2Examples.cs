using Microsoft.AspNetCore.Http;
using Strata.Core;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// The examples of S3's "Signing and authenticating REST requests" (Signature Version 2) with their published keys
/// and signatures. The page now names the bucket awsexamplebucket1 but kept the signatures it computed for
/// "johnsmith", so the requests here use johnsmith. Its "Delete" example is left out: its StringToSign puts
/// x-amz-date in the Date line but not among the x-amz-* headers, against the page's own rules.
/// </summary>
public sealed class SigV2Examples
{
    private const string Host = "johnsmith.s3.amazonaws.com";

    private static RequestAuthenticator Authenticator(DateTimeOffset now, bool sigV2 = true) =>
        new(new Credentials(new AccessKey(AwsExample.AccessKeyId, AwsExample.Secret), "000000000000"), new FixedTime(now), "us-east-1",
            baseDomain: "s3.amazonaws.com", sigV2: sigV2);

    private static DateTimeOffset At(string date) => SigV2.TryParseDate(date, out var value) ? value : throw new FormatException(date);

    private static HttpRequest Signed(string method, string target, string host, string date, string signature, params (string, string)[] more) =>
        Http.Request(method, target, [("Host", host), ("Date", date), .. more, ("Authorization", $"AWS {AwsExample.AccessKeyId}:{signature}")]);

    public static TheoryData<string, string, string, string, string> HeaderExamples => new()
    {
        // name, method, target, host, date, signature
        { "GET", "/photos/puppy.jpg", Host, "Tue, 27 Mar 2007 19:36:42 +0000", "bWq2s1WEIj+Ydj0vQ697zp+IXMU=" },
        { "GET", "/?prefix=photos&max-keys=50&marker=puppy", Host, "Tue, 27 Mar 2007 19:42:41 +0000", "htDYFYduRNen8P9ZfE/s9SuKy0U=" },
        { "GET", "/?acl", Host, "Tue, 27 Mar 2007 19:44:46 +0000", "c2WLPFtWHVgbEmeEG93a4cG37dM=" },
        { "GET", "/", "s3.amazonaws.com", "Wed, 28 Mar 2007 01:29:59 +0000", "qGdzdERIC03wnaRNKh6OqZehG9s=" },
        { "GET", "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re", "s3.amazonaws.com", "Wed, 28 Mar 2007 01:49:49 +0000", "DNEZGsoieTZ92F3bUfSPQcbGmlM=" },
    };

    [Theory]
    [MemberData(nameof(HeaderExamples))]
    public void A_documented_header_signed_request_is_accepted(string method, string target, string host, string date, string signature) =>
        Assert.Equal(AwsExample.AccessKeyId, Authenticator(At(date)).Authenticate(Signed(method, target, host, date, signature)).AccessKeyId);

    [Theory]
    [MemberData(nameof(HeaderExamples))]
    public void The_same_request_with_one_signature_byte_changed_is_refused(string method, string target, string host, string date, string signature)
    {
        var tampered = (signature[0] == 'A' ? 'B' : 'A') + signature[1..];
        S3Assert.Fails(StrataError.SignatureDoesNotMatch, () => Authenticator(At(date)).Authenticate(Signed(method, target, host, date, tampered)));
    }

    [Fact]
    public void Object_put_signs_its_content_type()
    {
        const string date = "Tue, 27 Mar 2007 21:15:45 +0000";
        var put = () => Signed("PUT", "/photos/puppy.jpg", Host, date, "MyyxeRY7whkBe+bq8fHCL/2kKUg=", ("Content-Type", "image/jpeg"), ("Content-Length", "94328"));
        Assert.Equal(AwsExample.AccessKeyId, Authenticator(At(date)).Authenticate(put()).AccessKeyId);

        var retyped = Signed("PUT", "/photos/puppy.jpg", Host, date, "MyyxeRY7whkBe+bq8fHCL/2kKUg=", ("Content-Type", "image/png"), ("Content-Length", "94328"));
        S3Assert.Fails(StrataError.SignatureDoesNotMatch, () => Authenticator(At(date)).Authenticate(retyped));
    }

    [Fact]
    public void Upload_signs_sorted_lower_cased_amz_headers_with_repeated_ones_joined()
    {
        // The example's bucket is a CNAME (static.johnsmith.net:8080), which Strata does not resolve: its
        // StringToSign is built here from the same parts.
        (string, string)[] headers =
        [
            ("x-amz-acl", "public-read"), ("X-Amz-Meta-ReviewedBy", "joe@johnsmith.net"), ("X-Amz-Meta-ReviewedBy", "jane@johnsmith.net"),
            ("X-Amz-Meta-FileChecksum", "0x02661779"), ("X-Amz-Meta-ChecksumAlgorithm", "crc32"), ("Content-Encoding", "gzip"),
        ];
        var amz = SigV2.CanonicalizedAmzHeaders(headers.Select(h => new KeyValuePair<string, string>(h.Item1, h.Item2)));
        var stringToSign = SigV2.StringToSign("PUT", "4gJE4saaMU4BqNR0kLY+lw==", "application/x-download", "Tue, 27 Mar 2007 21:06:08 +0000",
            amz, SigV2.CanonicalizedResource("static.johnsmith.net", "/db-backup.dat.gz", ""));

        Assert.Equal("x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n" +
            "x-amz-meta-reviewedby:joe@johnsmith.net,jane@johnsmith.net\n", amz);
        Assert.Equal("ilyl83RwaSoYIEdixDQcA4OnAnc=", SigV2.Sign(AwsExample.Secret, stringToSign));
    }

    private static HttpRequest Presigned(string signature = "NpgCjnDzrM%2BWFzoENXmpNDUsSn8%3D", string path = "/photos/puppy.jpg") =>
        Http.Request("GET", $"{path}?AWSAccessKeyId={AwsExample.AccessKeyId}&Signature={signature}&Expires=1175139620", [("Host", Host)]);

    private static readonly DateTimeOffset Expiry = DateTimeOffset.FromUnixTimeSeconds(1175139620);

    [Fact]
    public void The_documented_presigned_url_is_accepted_until_it_expires() =>
        Assert.Equal(AwsExample.AccessKeyId, Authenticator(Expiry.AddHours(-1)).Authenticate(Presigned()).AccessKeyId);

    [Fact]
    public void The_documented_presigned_url_after_its_expiry_is_refused()
    {
        // No nonce in SigV2 (nor on S3): a URL replayed after Expires is what is refused.
        var refused = S3Assert.Fails(StrataError.AccessDenied, () => Authenticator(Expiry.AddSeconds(1)).Authenticate(Presigned()));
        Assert.Equal("Request has expired", refused.Message);
    }

    [Fact]
    public void The_documented_presigned_url_for_another_key_is_refused() =>
        S3Assert.Fails(StrataError.SignatureDoesNotMatch, () => Authenticator(Expiry.AddHours(-1)).Authenticate(Presigned(path: "/photos/kitten.jpg")));

    [Fact]
    public void A_mismatch_shows_the_string_to_sign_but_never_the_secret()
    {
        var refused = S3Assert.Fails(StrataError.SignatureDoesNotMatch,
            () => Authenticator(Expiry.AddHours(-1)).Authenticate(Presigned(path: "/photos/kitten.jpg")));
        var details = refused.Details!.ToDictionary(d => d.Key, d => d.Value);

        Assert.Equal("GET\n\n\n1175139620\n/johnsmith/photos/kitten.jpg", details["StringToSign"]);
        Assert.Equal(AwsExample.AccessKeyId, details["AWSAccessKeyId"]);
        Assert.Equal("NpgCjnDzrM+WFzoENXmpNDUsSn8=", details["SignatureProvided"]);
        Assert.StartsWith("47 45 54 0a", details["StringToSignBytes"], StringComparison.Ordinal);
        Assert.DoesNotContain(details.Values, v => v.Contains(AwsExample.Secret, StringComparison.Ordinal));
    }
}

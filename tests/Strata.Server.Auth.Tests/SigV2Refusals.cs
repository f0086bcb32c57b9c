using Microsoft.AspNetCore.Http;
using Strata.Core;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// What S3 answers to a Signature Version 2 request that is malformed, late, early or tampered with, and what it
/// signs: each StringToSign here is spelled out literally, then signed with the documentation's key.
/// </summary>
public sealed class SigV2Refusals
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);
    private const string NowText = "Thu, 26 Nov 2026 03:00:00 GMT";

    private static RequestAuthenticator Authenticator(DateTimeOffset? now = null, bool sigV2 = true) =>
        new(new Credentials(new AccessKey(AwsExample.AccessKeyId, AwsExample.Secret), "000000000000"), new FixedTime(now ?? Now), "us-east-1",
            baseDomain: "localhost", sigV2: sigV2);

    private static string Sign(string stringToSign) => SigV2.Sign(AwsExample.Secret, stringToSign);

    private static HttpRequest Get(string target, string authorization, params (string, string)[] headers) =>
        Http.Request("GET", target, [("Host", "127.0.0.1:9000"), .. headers, ("Authorization", authorization)]);

    private static string Authorization(string stringToSign, string accessKeyId = AwsExample.AccessKeyId) => $"AWS {accessKeyId}:{Sign(stringToSign)}";

    private static HttpRequest SignedGet(string date = NowText) =>
        Get("/media/a.jpg", Authorization($"GET\n\n\n{date}\n/media/a.jpg"), ("Date", date));

    private static StrataException Refused(StrataError error, HttpRequest request, DateTimeOffset? now = null, bool sigV2 = true) =>
        S3Assert.Fails(error, () => Authenticator(now, sigV2).Authenticate(request));

    [Fact]
    public void A_signed_get_is_accepted() => Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(SignedGet()).AccessKeyId);

    [Fact]
    public void Turned_off_a_header_signed_request_is_refused_naming_the_setting()
    {
        var refused = Refused(StrataError.InvalidRequest, SignedGet(), sigV2: false);
        Assert.Contains("strata serve --sigv2 on", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Turned_off_a_presigned_url_is_refused_naming_the_setting()
    {
        var request = Http.Request("GET", $"/media/a.jpg?AWSAccessKeyId={AwsExample.AccessKeyId}&Expires=1795665301&Signature=x", [("Host", "127.0.0.1")]);
        Assert.Contains("strata serve --sigv2 on", Refused(StrataError.InvalidRequest, request, sigV2: false).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWS HAHAHA")]
    [InlineData("AWS :signature")]
    [InlineData("AWS AKIAIOSFODNN7EXAMPLE:")]
    public void A_malformed_authorization_header_is_an_invalid_argument(string authorization) =>
        Refused(StrataError.InvalidArgument, Get("/media/a.jpg", authorization, ("Date", NowText)));

    [Fact]
    public void An_unknown_access_key_is_refused() =>
        Refused(StrataError.InvalidAccessKeyId, Get("/media/a.jpg", Authorization($"GET\n\n\n{NowText}\n/media/a.jpg", "AKIDNOBODYKNOWS"), ("Date", NowText)));

    [Theory]
    [InlineData(20)]
    [InlineData(-20)]
    public void A_date_20_minutes_off_the_clock_is_too_skewed(int minutes)
    {
        var refused = Refused(StrataError.RequestTimeTooSkewed, SignedGet(), Now.AddMinutes(minutes));
        Assert.Contains(refused.Details!, d => d is { Key: "MaxAllowedSkewMilliseconds", Value: "900000" });
    }

    [Fact]
    public void A_request_replayed_within_the_skew_window_is_accepted_as_on_S3_and_after_it_refused()
    {
        // SigV2 has no nonce: S3 itself accepts a captured request again for 15 minutes. After that it is refused.
        Assert.Equal(AwsExample.AccessKeyId, Authenticator(Now.AddMinutes(14)).Authenticate(SignedGet()).AccessKeyId);
        Refused(StrataError.RequestTimeTooSkewed, SignedGet(), Now.AddMinutes(16));
    }

    [Theory]
    [InlineData("Bad Date")]
    [InlineData("")]
    [InlineData("Tue, 07 Jul 1950 21:53:04 GMT")]
    public void An_unreadable_or_pre_epoch_x_amz_date_is_access_denied(string date) =>
        Refused(StrataError.AccessDenied, Get("/media/a.jpg", Authorization($"GET\n\n\n\nx-amz-date:{date}\n/media/a.jpg"), ("x-amz-date", date)));

    [Theory]
    [InlineData("Tue, 07 Jul 2010 21:53:04 GMT")]
    [InlineData("Tue, 07 Jul 9999 21:53:04 GMT")]
    public void A_far_x_amz_date_is_too_skewed(string date) =>
        Refused(StrataError.RequestTimeTooSkewed, Get("/media/a.jpg", Authorization($"GET\n\n\n\nx-amz-date:{date}\n/media/a.jpg"), ("x-amz-date", date)));

    [Fact]
    public void A_request_without_any_date_is_access_denied() =>
        Refused(StrataError.AccessDenied, Get("/media/a.jpg", Authorization($"GET\n\n\n\n/media/a.jpg")));

    [Fact]
    public void With_x_amz_date_the_date_line_is_empty_as_S3_documents()
    {
        var request = Get("/media/a.jpg", Authorization($"GET\n\n\n\nx-amz-date:{NowText}\n/media/a.jpg"), ("x-amz-date", NowText), ("Date", "Mon, 01 Jan 2001 00:00:00 GMT"));
        Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void With_x_amz_date_the_date_header_in_the_date_line_is_accepted_as_botocore_and_MinIO_sign()
    {
        const string date = "Thu, 26 Nov 2026 02:59:00 GMT";
        var request = Get("/media/a.jpg", Authorization($"GET\n\n\n{date}\nx-amz-date:{NowText}\n/media/a.jpg"), ("x-amz-date", NowText), ("Date", date));
        Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void A_changed_x_amz_header_is_a_mismatch() =>
        Refused(StrataError.SignatureDoesNotMatch, Get("/media/a.jpg", Authorization($"GET\n\n\n{NowText}\nx-amz-meta-a:1\n/media/a.jpg"),
            ("Date", NowText), ("x-amz-meta-a", "2")));

    [Fact]
    public void Sub_resources_are_signed_sorted_with_decoded_values_and_other_parameters_are_not()
    {
        var stringToSign = $"GET\n\n\n{NowText}\n/media/a.jpg?response-content-type=text/plain&versionId=3/L4kqtJl";
        var request = Get("/media/a.jpg?versionId=3%2FL4kqtJl&prefix=x&response-content-type=text%2Fplain", Authorization(stringToSign), ("Date", NowText));
        Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(request).AccessKeyId);

        var otherVersion = Get("/media/a.jpg?versionId=other&prefix=x&response-content-type=text%2Fplain", Authorization(stringToSign), ("Date", NowText));
        Refused(StrataError.SignatureDoesNotMatch, otherVersion);
    }

    [Theory]
    [InlineData("PUT", "/dbg", "/dbg/")] // botocore's authPath for a bucket alone (CreateBucket)
    [InlineData("GET", "/dbg?versioning", "/dbg/?versioning")] // botocore 1.43
    [InlineData("GET", "/dbg?versioning", "/dbg?versioning?versioning")] // botocore 1.29, Debian 12
    [InlineData("GET", "/dbg?list-type=2&prefix=a", "/dbg?list-type=2")] // botocore 1.29: ListObjectsV2
    public void The_resource_forms_botocore_signs_are_accepted(string method, string target, string resource)
    {
        var request = Http.Request(method, target, [("Host", "127.0.0.1:9000"), ("Date", NowText), ("Authorization", Authorization($"{method}\n\n\n{NowText}\n{resource}"))]);
        Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(request).AccessKeyId);
    }

    [Fact]
    public void A_trailing_slash_is_not_accepted_for_an_object() =>
        Refused(StrataError.SignatureDoesNotMatch, Get("/dbg/a.jpg", Authorization($"GET\n\n\n{NowText}\n/dbg/a.jpg/"), ("Date", NowText)));

    [Fact]
    public void A_virtual_hosted_request_signs_its_bucket_from_the_host()
    {
        var request = Http.Request("GET", "/a.jpg", [("Host", "media.localhost:9000"), ("Date", NowText), ("Authorization", Authorization($"GET\n\n\n{NowText}\n/media/a.jpg"))]);
        Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(request).AccessKeyId);
    }

    [Theory]
    [InlineData("AWS HAHAHA")]
    [InlineData("bm90IDE2IGJ5dGVz")]
    public void A_malformed_content_md5_is_an_invalid_digest(string md5) =>
        Refused(StrataError.InvalidDigest, Http.Request("PUT", "/media/a.jpg",
            [("Host", "127.0.0.1"), ("Date", NowText), ("Content-MD5", md5), ("Authorization", Authorization($"PUT\n{md5}\n\n{NowText}\n/media/a.jpg"))]));

    [Fact]
    public void One_changed_character_in_any_signed_part_is_never_accepted()
    {
        const string target = "/media/photos/a.jpg?versionId=3L4k&acl";
        const string contentType = "image/jpeg";
        const string meta = "ada";
        var signature = Sign($"PUT\n\n{contentType}\n{NowText}\nx-amz-meta-author:{meta}\n/media/photos/a.jpg?acl&versionId=3L4k");
        HttpRequest Put(string t, string type, string date, string author, string sig) => Http.Request("PUT", t,
            [("Host", "127.0.0.1"), ("Date", date), ("Content-Type", type), ("x-amz-meta-author", author), ("Authorization", $"AWS {AwsExample.AccessKeyId}:{sig}")]);
        Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(Put(target, contentType, NowText, meta, signature)).AccessKeyId);

        static IEnumerable<string> Mutations(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var replacement = text[i] == 'A' ? 'B' : text[i] == '/' ? '+' : 'A';
                yield return text[..i] + replacement + text[(i + 1)..];
            }
        }
        var accepted = new List<string>();
        void MustRefuse(string what, HttpRequest request)
        {
            try
            {
                Authenticator().Authenticate(request);
                accepted.Add(what);
            }
            catch (StrataException)
            {
            }
        }
        // A request target always starts with '/': the mutations begin after it.
        foreach (var t in Mutations(target).Skip(1)) MustRefuse(t, Put(t, contentType, NowText, meta, signature));
        foreach (var type in Mutations(contentType)) MustRefuse(type, Put(target, type, NowText, meta, signature));
        foreach (var date in Mutations(NowText)) MustRefuse(date, Put(target, contentType, date, meta, signature));
        foreach (var author in Mutations(meta)) MustRefuse(author, Put(target, contentType, NowText, author, signature));
        foreach (var sig in Mutations(signature)) MustRefuse(sig, Put(target, contentType, NowText, meta, sig));
        Assert.Empty(accepted);
    }

    [Fact]
    public void A_presigned_url_missing_its_expiry_is_access_denied() =>
        Refused(StrataError.AccessDenied, Http.Request("GET", $"/media/a.jpg?AWSAccessKeyId={AwsExample.AccessKeyId}&Signature=abc", [("Host", "127.0.0.1")]));

    [Fact]
    public void A_presigned_url_with_a_non_numeric_expiry_is_access_denied() =>
        Refused(StrataError.AccessDenied, Http.Request("GET", $"/media/a.jpg?AWSAccessKeyId={AwsExample.AccessKeyId}&Signature=abc&Expires=soon", [("Host", "127.0.0.1")]));

    [Fact]
    public void A_presigned_url_with_an_authorization_header_as_well_is_refused() =>
        Refused(StrataError.InvalidArgument, Http.Request("GET", $"/media/a.jpg?AWSAccessKeyId={AwsExample.AccessKeyId}&Signature=abc&Expires=1",
            [("Host", "127.0.0.1"), ("Date", NowText), ("Authorization", Authorization($"GET\n\n\n{NowText}\n/media/a.jpg"))]));

    [Fact]
    public void A_presigned_put_carries_its_content_type_in_the_query_as_botocore_writes_it()
    {
        var expires = Now.AddMinutes(5).ToUnixTimeSeconds();
        var signature = Uri.EscapeDataString(Sign($"PUT\n\nimage/jpeg\n{expires}\n/media/a.jpg"));
        var request = Http.Request("PUT", $"/media/a.jpg?AWSAccessKeyId={AwsExample.AccessKeyId}&Signature={signature}&content-type=image%2Fjpeg&Expires={expires}",
            [("Host", "127.0.0.1"), ("Content-Type", "image/jpeg")]);
        Assert.Equal(AwsExample.AccessKeyId, Authenticator().Authenticate(request).AccessKeyId);
    }
}

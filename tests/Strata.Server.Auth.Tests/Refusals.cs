using Strata.Core;

namespace Strata.Server.Auth.Tests;

/// <summary>What S3 answers when the Authorization header or a presigned URL is wrong, late, early or absent.</summary>
public sealed class Refusals
{
    private const string GetSignature = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
    private const string GetSignedHeaders = "host;range;x-amz-content-sha256;x-amz-date";

    private static Microsoft.AspNetCore.Http.HttpRequest Get(string? authorization, string date = "20130524T000000Z", params (string, string)[] extra)
    {
        List<(string, string)> headers =
        [
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("Range", "bytes=0-9"),
            ("x-amz-content-sha256", AwsExample.EmptySha256),
            ("x-amz-date", date),
            .. extra,
        ];
        if (authorization is not null) headers.Add(("Authorization", authorization));
        return Http.Request("GET", "/test.txt", headers);
    }

    private static void Refused(StrataError error, Microsoft.AspNetCore.Http.HttpRequest request, DateTimeOffset? now = null, string region = "us-east-1") =>
        S3Assert.Fails(error, () => AwsExample.Authenticator(now, region).Authenticate(request));

    [Fact]
    public void An_unsigned_request_is_passed_on_as_anonymous_for_the_authorizer_to_judge()
    {
        var caller = AwsExample.Authenticator().Authenticate(Get(authorization: null));
        Assert.True(caller.IsAnonymous);
        Assert.Equal("", caller.AccessKeyId);
    }

    [Fact]
    public void An_unknown_access_key_is_refused() =>
        Refused(StrataError.InvalidAccessKeyId, Get(AwsExample.Authorization(GetSignedHeaders, GetSignature, accessKeyId: "AKIDNOBODYKNOWS")));

    [Fact]
    public void A_credential_for_another_region_is_malformed()
    {
        var failure = S3Assert.Fails(StrataError.AuthorizationHeaderMalformed, () =>
            AwsExample.Authenticator().Authenticate(Get(AwsExample.Authorization(GetSignedHeaders, GetSignature, "20130524/eu-west-1/s3/aws4_request"))));
        Assert.Contains("the region 'eu-west-1' is wrong; expecting 'us-east-1'", failure.Message);
    }

    [Fact]
    public void A_server_in_another_region_refuses_the_example() =>
        Refused(StrataError.AuthorizationHeaderMalformed, Get(AwsExample.Authorization(GetSignedHeaders, GetSignature)), region: "eu-central-1");

    [Theory]
    [InlineData("20130524/us-east-1/iam/aws4_request")]
    [InlineData("20130524/us-east-1/s3/aws5_request")]
    [InlineData("2013-05-24/us-east-1/s3/aws4_request")]
    [InlineData("us-east-1/s3/aws4_request")]
    [InlineData("20130525/us-east-1/s3/aws4_request")]
    public void A_malformed_credential_scope_is_malformed(string scope) =>
        Refused(StrataError.AuthorizationHeaderMalformed, Get(AwsExample.Authorization(GetSignedHeaders, GetSignature, scope)));

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, Signature=" + GetSignature)]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host,SignedHeaders=host,Signature=" + GetSignature)]
    [InlineData("AWS4-HMAC-SHA256 garbage")]
    public void A_malformed_authorization_header_is_malformed(string authorization) =>
        Refused(StrataError.AuthorizationHeaderMalformed, Get(authorization));

    [Fact]
    public void Signed_headers_without_host_are_malformed() =>
        Refused(StrataError.AuthorizationHeaderMalformed, Get(AwsExample.Authorization("range;x-amz-content-sha256;x-amz-date", GetSignature)));

    [Fact]
    public void Spaces_after_the_commas_are_accepted() =>
        Assert.Equal(AwsExample.AccessKeyId, AwsExample.Authenticator().Authenticate(Get(
            $"AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders={GetSignedHeaders}, Signature={GetSignature}")).AccessKeyId);

    [Theory]
    [InlineData(16)]
    [InlineData(-16)]
    public void A_request_16_minutes_off_the_clock_is_too_skewed(int minutes) =>
        Refused(StrataError.RequestTimeTooSkewed, Get(AwsExample.Authorization(GetSignedHeaders, GetSignature)), AwsExample.Time.AddMinutes(minutes));

    [Theory]
    [InlineData(14)]
    [InlineData(-14)]
    public void A_request_14_minutes_off_the_clock_is_accepted(int minutes) =>
        Assert.Equal(AwsExample.AccessKeyId,
            AwsExample.Authenticator(AwsExample.Time.AddMinutes(minutes)).Authenticate(Get(AwsExample.Authorization(GetSignedHeaders, GetSignature))).AccessKeyId);

    [Fact]
    public void A_request_without_a_valid_date_is_denied() =>
        Refused(StrataError.AccessDenied, Get(AwsExample.Authorization(GetSignedHeaders, GetSignature), date: "yesterday"));

    [Fact]
    public void A_request_without_x_amz_content_sha256_is_invalid()
    {
        var request = Http.Request("GET", "/test.txt",
        [
            ("Host", "examplebucket.s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("Authorization", AwsExample.Authorization("host;x-amz-date", GetSignature)),
        ]);
        Refused(StrataError.InvalidRequest, request);
    }

    [Fact]
    public void A_signature_that_is_not_hex_does_not_match() =>
        Refused(StrataError.SignatureDoesNotMatch, Get(AwsExample.Authorization(GetSignedHeaders, "z" + GetSignature[1..])));

    [Fact]
    public void A_session_token_is_refused() =>
        Refused(StrataError.InvalidRequest, Get(AwsExample.Authorization(GetSignedHeaders, GetSignature), extra: ("x-amz-security-token", "token")));

    [Fact]
    public void Both_a_header_and_a_presigned_query_are_refused()
    {
        var request = Http.Request("GET", AwsDocumentationExamples.PresignedTarget,
            [("Host", "examplebucket.s3.amazonaws.com"), ("Authorization", AwsExample.Authorization(GetSignedHeaders, GetSignature))]);
        Refused(StrataError.InvalidArgument, request);
    }

    private static Microsoft.AspNetCore.Http.HttpRequest Presigned(string? target = null, params (string, string)[] extra) =>
        Http.Request("GET", target ?? AwsDocumentationExamples.PresignedTarget, [("Host", "examplebucket.s3.amazonaws.com"), .. extra]);

    [Fact]
    public void An_expired_presigned_url_is_denied()
    {
        var failure = S3Assert.Fails(StrataError.AccessDenied, () => AwsExample.Authenticator(AwsExample.Time.AddSeconds(86401)).Authenticate(Presigned()));
        Assert.Equal("Request has expired", failure.Message);
    }

    [Fact]
    public void A_presigned_url_dated_beyond_the_allowed_skew_is_not_valid_yet() =>
        Refused(StrataError.AccessDenied, Presigned(), AwsExample.Time.AddMinutes(-16));

    [Theory]
    [InlineData("X-Amz-Expires=86400", "X-Amz-Expires=604801")]
    [InlineData("X-Amz-Expires=86400", "X-Amz-Expires=0")]
    [InlineData("X-Amz-Expires=86400", "X-Amz-Expires=soon")]
    [InlineData("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA512")]
    [InlineData("&X-Amz-SignedHeaders=host", "")]
    [InlineData("X-Amz-Date=20130524T000000Z", "X-Amz-Date=2013-05-24")]
    [InlineData("us-east-1", "eu-west-1")]
    public void A_malformed_presigned_query_is_a_query_parameters_error(string part, string replacement) =>
        Refused(StrataError.AuthorizationQueryParametersError, Presigned(AwsDocumentationExamples.PresignedTarget.Replace(part, replacement, StringComparison.Ordinal)));

    [Fact]
    public void A_presigned_url_with_a_changed_path_does_not_match() =>
        Refused(StrataError.SignatureDoesNotMatch, Presigned(AwsDocumentationExamples.PresignedTarget.Replace("/test.txt", "/other.txt", StringComparison.Ordinal)));

    [Fact]
    public void A_presigned_url_with_an_added_parameter_does_not_match() =>
        Refused(StrataError.SignatureDoesNotMatch, Presigned(AwsDocumentationExamples.PresignedTarget + "&versionId=1"));

    [Fact]
    public void A_presigned_request_with_unsigned_amz_headers_is_denied() =>
        Refused(StrataError.AccessDenied, Presigned(extra: ("x-amz-copy-source", "/secret/object")));

    [Fact]
    public void A_presigned_url_with_an_unknown_key_is_refused() =>
        Refused(StrataError.InvalidAccessKeyId, Presigned(AwsDocumentationExamples.PresignedTarget.Replace("AKIAIOSFODNN7EXAMPLE", "AKIDNOBODYKNOWS", StringComparison.Ordinal)));
}

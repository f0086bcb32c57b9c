using System.Security.Cryptography;
using System.Text;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// A correctly signed PUT with one SigV4 field changed at a time: refused with S3's code, and the object is not stored.
/// </summary>
public sealed class HostileAuth(HostileServer server) : IClassFixture<HostileServer>
{
    private static readonly byte[] Body = Encoding.ASCII.GetBytes("should never be stored");
    private static string PathOf(string key) => $"/{HostileServer.Versioned}/auth/{key}";

    [Fact]
    public async Task The_unmutated_request_is_accepted_so_each_refusal_below_is_the_mutations_doing()
    {
        var put = await server.SendAsync(server.Sign("PUT", PathOf("control"), body: Body));
        Assert.True(put.Status == 200, put.ToString());
        using var signed = server.CreateSigned();
        var get = await HostileServer.ReadAsync(await signed.SendAsync(HttpMethod.Get, PathOf("control")));
        Assert.Equal(200, get.Status);
        Assert.Equal(Encoding.ASCII.GetString(Body), get.Body);
    }

    public static TheoryData<string, int, string[]> Mutations => new()
    {
        { "signed headers: x-amz-content-sha256 dropped from the list", 403, ["AccessDenied", "SignatureDoesNotMatch"] },
        { "signed headers: host dropped from the list", 400, ["AuthorizationHeaderMalformed"] },
        { "signed headers: upper-case name", 400, ["AuthorizationHeaderMalformed"] },
        { "x-amz-date one second later than signed", 403, ["SignatureDoesNotMatch"] },
        { "x-amz-date not a date", 403, ["AccessDenied"] },
        { "scope date a day before x-amz-date", 400, ["AuthorizationHeaderMalformed"] },
        { "scope region eu-west-1", 400, ["AuthorizationHeaderMalformed"] },
        { "scope service s4", 400, ["AuthorizationHeaderMalformed"] },
        { "scope terminator aws4_reqest", 400, ["AuthorizationHeaderMalformed"] },
        { "scope date not yyyyMMdd", 400, ["AuthorizationHeaderMalformed"] },
        { "unknown access key", 403, ["InvalidAccessKeyId"] },
        { "x-amz-content-sha256 changed after signing", 403, ["SignatureDoesNotMatch"] },
        { "signed payload hash of another body", 400, ["XAmzContentSHA256Mismatch"] },
        { "body changed after signing", 400, ["XAmzContentSHA256Mismatch"] },
        { "signature: one hex digit flipped", 403, ["SignatureDoesNotMatch"] },
        { "signature: truncated", 403, ["SignatureDoesNotMatch"] },
        { "signature: not hex", 403, ["SignatureDoesNotMatch"] },
        { "signature made with another secret", 403, ["SignatureDoesNotMatch"] },
        { "signed for another key", 403, ["SignatureDoesNotMatch"] },
        { "algorithm AWS4-HMAC-SHA512", 400, ["InvalidRequest"] },
        { "Credential component repeated", 400, ["AuthorizationHeaderMalformed"] },
        { "no Authorization header", 403, ["AccessDenied"] },
        { "replayed 16 minutes later", 403, ["RequestTimeTooSkewed"] },
        { "dated 16 minutes ahead", 403, ["RequestTimeTooSkewed"] },
    };

    [Theory]
    [MemberData(nameof(Mutations))]
    public async Task A_request_with_one_SigV4_field_changed_is_refused_and_stores_nothing(string mutation, int status, string[] codes)
    {
        var before = await server.StartCaseAsync();
        var key = "m-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mutation)))[..12];
        var request = Mutate(mutation, server.Sign("PUT", PathOf(key), body: Body), key);
        HostileServer.AssertRefused(await server.SendAsync(request), status, codes);
        await server.AssertUnharmedAsync(before);
    }

    private RawSigV4 Mutate(string mutation, RawSigV4 r, string key) => mutation switch
    {
        "signed headers: x-amz-content-sha256 dropped from the list" => r with { SignedHeaders = "host;x-amz-date" },
        "signed headers: host dropped from the list" => r with { SignedHeaders = "x-amz-content-sha256;x-amz-date" },
        "signed headers: upper-case name" => r with { SignedHeaders = "Host;x-amz-content-sha256;x-amz-date" },
        "x-amz-date one second later than signed" => WithHeader(r, "x-amz-date", Later(r.Headers["x-amz-date"], TimeSpan.FromSeconds(1))),
        "x-amz-date not a date" => WithHeader(r, "x-amz-date", "yesterday"),
        "scope date a day before x-amz-date" => r with { ScopeDate = Later(r.Headers["x-amz-date"], TimeSpan.FromDays(-1))[..8] },
        "scope region eu-west-1" => r with { Region = "eu-west-1" },
        "scope service s4" => r with { Service = "s4" },
        "scope terminator aws4_reqest" => r with { Terminator = "aws4_reqest" },
        "scope date not yyyyMMdd" => r with { ScopeDate = r.ScopeDate[..4] + "-" + r.ScopeDate[4..6] + "-" + r.ScopeDate[6..] },
        "unknown access key" => r with { AccessKey = "AKIDNOTKNOWNTOSTRATA" },
        "x-amz-content-sha256 changed after signing" => WithHeader(r, "x-amz-content-sha256", Convert.ToHexStringLower(SHA256.HashData("other"u8))),
        "signed payload hash of another body" => server.Sign("PUT", PathOf(key), body: Body, payloadHash: Convert.ToHexStringLower(SHA256.HashData("other"u8))),
        "body changed after signing" => r with { Body = Encoding.ASCII.GetBytes("SHOULD never be stored") },
        "signature: one hex digit flipped" => r with { Signature = (r.Signature[0] == '0' ? "1" : "0") + r.Signature[1..] },
        "signature: truncated" => r with { Signature = r.Signature[..63] },
        "signature: not hex" => r with { Signature = "zz" + r.Signature[2..] },
        "signature made with another secret" => server.Sign("PUT", PathOf(key), body: Body, secretKey: "another-secret-0123456789abcdefghijklmn"),
        "signed for another key" => r with { RawPath = PathOf(key + "-other") },
        "algorithm AWS4-HMAC-SHA512" => r with { Algorithm = "AWS4-HMAC-SHA512" },
        "Credential component repeated" => r with { SignedHeaders = r.SignedHeaders + ", Credential=" + r.AccessKey + "/" + r.ScopeDate + "/us-east-1/s3/aws4_request" },
        "no Authorization header" => r with { Algorithm = "" },
        "replayed 16 minutes later" => server.Sign("PUT", PathOf(key), body: Body, at: DateTimeOffset.UtcNow.AddMinutes(-16)),
        "dated 16 minutes ahead" => server.Sign("PUT", PathOf(key), body: Body, at: DateTimeOffset.UtcNow.AddMinutes(16)),
        _ => throw new ArgumentOutOfRangeException(nameof(mutation)),
    };

    // BUG (open, found by this test): a header-signed request with an x-amz-* header added after signing is accepted
    // and acted on. S3 answers 403 AccessDenied "There were headers present in the request which were not signed";
    // Strata checks this only for presigned URLs (RequestAuthenticator.FromQuery calls RefuseUnsignedAmzHeaders,
    // FromHeader does not). Anyone on the path can add metadata, or turn a signed PUT into a CopyObject of another key.
    [Theory]
    [Trait("Regression", "unsigned-amz-headers")]
    [InlineData("x-amz-meta-smuggled", "yes")]
    [InlineData("x-amz-copy-source", "/" + HostileServer.Versioned + "/" + HostileServer.SmallKey)]
    [InlineData("x-amz-metadata-directive", "REPLACE")]
    public async Task An_x_amz_header_added_after_signing_is_refused_and_stores_nothing(string header, string value)
    {
        var before = await server.StartCaseAsync();
        var key = "unsigned-" + header;
        var request = WithHeader(server.Sign("PUT", PathOf(key), body: Body), header, value);
        var response = await server.SendAsync(request);
        HostileServer.AssertRefused(response, 403, "AccessDenied");
        await server.AssertUnharmedAsync(before);
    }

    private static RawSigV4 WithHeader(RawSigV4 r, string name, string value) =>
        r with { Headers = new SortedDictionary<string, string>(r.Headers, StringComparer.Ordinal) { [name] = value } };

    private static string Later(string amzDate, TimeSpan by) =>
        DateTime.ParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal)
            .Add(by).ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Strata_Testings_signer_is_refused_with_another_secret_another_region_or_an_old_date()
    {
        var before = await server.StartCaseAsync();
        using (var wrongSecret = server.CreateSigned(secretKey: "another-secret-0123456789abcdefghijklmn"))
        {
            HostileServer.AssertRefused(await HostileServer.ReadAsync(await wrongSecret.SendAsync(HttpMethod.Put, PathOf("sr-secret"), body: "x")), 403, "SignatureDoesNotMatch");
        }
        using (var wrongRegion = server.CreateSigned(region: "ap-south-1"))
        {
            HostileServer.AssertRefused(await HostileServer.ReadAsync(await wrongRegion.SendAsync(HttpMethod.Put, PathOf("sr-region"), body: "x")), 400, "AuthorizationHeaderMalformed");
        }
        using (var signed = server.CreateSigned())
        {
            var old = DateTimeOffset.UtcNow.AddMinutes(-15).AddSeconds(-30);
            HostileServer.AssertRefused(await HostileServer.ReadAsync(await signed.SendAsync(HttpMethod.Put, PathOf("sr-old"), body: "x", at: old)), 403, "RequestTimeTooSkewed");
        }
        await server.AssertUnharmedAsync(before);
    }
}

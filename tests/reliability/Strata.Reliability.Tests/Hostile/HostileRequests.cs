using System.Security.Cryptography;
using System.Text;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>Bucket names off S3's rules, oversized metadata, odd Ranges and a Content-Length that lies.</summary>
public sealed class HostileRequests(HostileServer server) : IClassFixture<HostileServer>
{
    public static TheoryData<string> BadBucketNames => new()
    {
        "UPPER-case",
        "ab",
        new string('b', 64),
        "a..b",
        "-leading-dash",
        "trailing-dash-",
        "under_score",
        "192.168.1.1",
        "xn--punycode",
        "sthree-reserved",
        "bucket-s3alias",
        "bucket--ol-s3",
        "a%2F..%2Fb",
        "%2E%2E",
        "sp%20ace",
    };

    [Theory]
    [MemberData(nameof(BadBucketNames))]
    public async Task A_bucket_name_off_S3s_rules_is_InvalidBucketName_and_no_bucket_appears(string rawName)
    {
        var before = await server.StartCaseAsync();
        HostileServer.AssertRefused(await server.SendAsync(server.Sign("PUT", "/" + rawName)), 400, "InvalidBucketName");
        HostileServer.AssertRefused(await server.SendAsync(server.Sign("PUT", "/" + rawName + "/key", body: "x"u8.ToArray())), 400, "InvalidBucketName");
        await server.AssertUnharmedAsync(before);
    }

    [Theory]
    [InlineData(1, 2100)]
    [InlineData(40, 60)]
    public async Task Metadata_over_2_KB_is_MetadataTooLarge_and_nothing_is_stored(int headers, int valueLength)
    {
        var before = await server.StartCaseAsync();
        var metadata = Enumerable.Range(0, headers).ToDictionary(i => $"x-amz-meta-m{i:D2}", _ => new string('m', valueLength));
        using var signed = server.CreateSigned();
        foreach (var bucket in new[] { HostileServer.Versioned, HostileServer.Plain })
        {
            var response = await HostileServer.ReadAsync(await signed.SendAsync(HttpMethod.Put, $"/{bucket}/meta/too-large", body: "x", headers: metadata));
            HostileServer.AssertRefused(response, 400, "MetadataTooLarge");
        }
        await server.AssertUnharmedAsync(before);
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=100-200")]
    [InlineData("bytes=-0")]
    public async Task An_unsatisfiable_Range_is_416_InvalidRange(string range)
    {
        var before = await server.StartCaseAsync();
        using var signed = server.CreateSigned();
        var response = await HostileServer.ReadAsync(await signed.SendAsync(HttpMethod.Get, $"/{HostileServer.Plain}/{HostileServer.SmallKey}",
            headers: new Dictionary<string, string> { ["range"] = range }));
        HostileServer.AssertRefused(response, 416, "InvalidRange");
        await server.AssertUnharmedAsync(before);
    }

    // S3 ignores a Range it cannot parse (or several ranges) and sends the whole object with 200.
    [Theory]
    [InlineData("bytes=abc")]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=0-1,3-4")]
    [InlineData("items=0-5")]
    [InlineData("bytes=--5")]
    [InlineData("bytes=99999999999999999999999-")]
    public async Task A_malformed_Range_is_ignored_and_the_whole_object_is_sent(string range)
    {
        var before = await server.StartCaseAsync();
        using var signed = server.CreateSigned();
        var response = await HostileServer.ReadAsync(await signed.SendAsync(HttpMethod.Get, $"/{HostileServer.Plain}/{HostileServer.SmallKey}",
            headers: new Dictionary<string, string> { ["range"] = range }));
        Assert.Equal(200, response.Status);
        Assert.Equal(Encoding.ASCII.GetString(HostileServer.Small), response.Body);
        await server.AssertUnharmedAsync(before);
    }

    /// <summary>The client announces more bytes than it sends and goes away: nothing is stored, no blob file is left behind.</summary>
    [Theory]
    [InlineData(100_000, 1_000, true)]
    [InlineData(100_000, 1_000, false)]
    [InlineData(300_000, 200_000, true)]
    [InlineData(300_000, 200_000, false)]
    [InlineData(10_000, 0, true)]
    public async Task A_body_cut_short_by_a_client_that_closes_stores_nothing(int announced, int sent, bool unsignedPayload)
    {
        var before = await server.StartCaseAsync();
        var full = Crash.Body.Bytes(announced, announced);
        foreach (var bucket in new[] { HostileServer.Versioned, HostileServer.Plain })
        {
            var request = server.Sign("PUT", $"/{bucket}/cut/short-{announced}-{sent}", body: full,
                payloadHash: unsignedPayload ? RawSigV4.UnsignedPayload : null);
            var response = await RawHttp.SendAsync(server.Endpoint, request.Head(), full[..sent], halfClose: true);
            Assert.True(response.Status is 0 or 400, $"a cut body must not be acknowledged, got:\n{response}");
        }
        // The server learns of the cut asynchronously; its draft file goes once it does.
        await server.AssertUnharmedEventuallyAsync(before);
    }

    [Fact]
    public async Task A_Content_Length_shorter_than_the_signed_body_is_XAmzContentSHA256Mismatch_and_the_rest_is_not_a_request()
    {
        var before = await server.StartCaseAsync();
        var body = Crash.Body.Bytes(3, 40_000);
        var request = server.Sign("PUT", $"/{HostileServer.Plain}/cut/long-body", body: body);
        // The server reads 20000 bytes, finds the signed hash does not match them, and must not take the
        // remaining bytes for a second request.
        var response = await RawHttp.SendAsync(server.Endpoint, request.Head(contentLength: 20_000), body);
        HostileServer.AssertRefused(response, 400, "XAmzContentSHA256Mismatch");
        Assert.DoesNotContain("HTTP/1.1 200", response.Body, StringComparison.Ordinal);
        await server.AssertUnharmedAsync(before);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("99999999999999999999999")]
    public async Task A_Content_Length_that_is_not_a_length_is_refused(string contentLength)
    {
        var before = await server.StartCaseAsync();
        var request = server.Sign("PUT", $"/{HostileServer.Plain}/cut/bad-length", body: "x"u8.ToArray());
        var head = Encoding.ASCII.GetString(request.Head()).Replace("Content-Length: 1\r\n", $"Content-Length: {contentLength}\r\n", StringComparison.Ordinal);
        var response = await RawHttp.SendAsync(server.Endpoint, Encoding.ASCII.GetBytes(head), "x"u8.ToArray());
        Assert.True(response.Status == 400, response.ToString());
        await server.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task A_Content_MD5_that_does_not_match_is_BadDigest_and_nothing_is_stored()
    {
        var before = await server.StartCaseAsync();
        var md5 = Convert.ToBase64String(MD5.HashData("something else"u8));
        var request = server.Sign("PUT", $"/{HostileServer.Versioned}/md5/mismatch", body: Crash.Body.Bytes(5, 50_000),
            headers: new Dictionary<string, string> { ["content-md5"] = md5 });
        HostileServer.AssertRefused(await server.SendAsync(request), 400, "BadDigest");
        await server.AssertUnharmedAsync(before);
    }
}

using System.Text;
using Strata.Server.Body;

namespace Strata.Server.Auth.Tests;

/// <summary>The canonical URI and query, byte for byte, and the checksum algorithms against their check values.</summary>
public sealed class CanonicalForms
{
    private static string Uri(string rawPath)
    {
        var writer = new PooledByteWriter(16);
        try
        {
            CanonicalRequest.WriteUri(ref writer, rawPath);
            return Encoding.ASCII.GetString(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }

    private static string Query(string rawQuery, bool presigned = false)
    {
        var writer = new PooledByteWriter(16);
        try
        {
            CanonicalRequest.WriteQuery(ref writer, rawQuery, presigned);
            return Encoding.ASCII.GetString(writer.WrittenSpan);
        }
        finally
        {
            writer.Dispose();
        }
    }

    [Theory]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/test%24file.text", "/test%24file.text")]
    [InlineData("/test$file.text", "/test%24file.text")]
    [InlineData("/bucket/a//b", "/bucket/a//b")]                       // no slash merging
    [InlineData("/bucket/../x", "/bucket/../x")]                       // no dot-segment removal
    [InlineData("/bucket/with%20space", "/bucket/with%20space")]
    [InlineData("/bucket/plus+sign", "/bucket/plus%2Bsign")]             // a plus in a path is a plus
    [InlineData("/bucket/%7Etilde%2Dok", "/bucket/~tilde-ok")]           // unreserved characters unescaped
    [InlineData("/bucket/100%", "/bucket/100%25")]                      // a stray percent is a percent
    [InlineData("/bucket/%zz", "/bucket/%25zz")]
    [InlineData("/bucket/%c3%bc", "/bucket/%C3%BC")]                    // upper-case hex
    [InlineData("/bucket/ü", "/bucket/%C3%BC")]                         // Kestrel's decoded UTF-8
    [InlineData("/bucket/😀", "/bucket/%F0%9F%98%80")]
    [InlineData("/bucket/a%2Fb", "/bucket/a/b")]
    public void The_canonical_uri_encodes_each_byte_once(string raw, string canonical) => Assert.Equal(canonical, Uri(raw));

    [Theory]
    [InlineData("", "")]
    [InlineData("lifecycle", "lifecycle=")]
    [InlineData("prefix=J&max-keys=2", "max-keys=2&prefix=J")]
    [InlineData("a=2&a=1&b", "a=1&a=2&b=")]
    [InlineData("prefix=a%20b+c", "prefix=a%20b%20c")]                    // '+' in a query is a space
    [InlineData("prefix=a%2Bb", "prefix=a%2Bb")]
    [InlineData("prefix=a/b~c", "prefix=a%2Fb~c")]                        // slashes encoded in the query
    [InlineData("x=%E6%96%87&&y=", "x=%E6%96%87&y=")]
    [InlineData("B=1&a=1&_=1", "B=1&_=1&a=1")]                             // byte order, not culture order
    public void The_canonical_query_is_sorted_and_encoded(string raw, string canonical) => Assert.Equal(canonical, Query(raw));

    [Fact]
    public void A_presigned_query_leaves_out_its_signature() =>
        Assert.Equal("X-Amz-Date=1&a=b", Query("a=b&X-Amz-Signature=abc&X-Amz-Date=1", presigned: true));

    private static string Checksum(ChecksumAlgorithm algorithm, byte[] data)
    {
        using var checksum = new PayloadChecksum(algorithm);
        checksum.Append(data.AsSpan(0, data.Length / 2));
        checksum.Append(data.AsSpan(data.Length / 2));
        return checksum.ComputeBase64();
    }

    [Theory]
    [InlineData("x-amz-checksum-crc32", "CBF43926")]
    [InlineData("x-amz-checksum-crc32c", "E3069283")]
    [InlineData("x-amz-checksum-crc64nvme", "AE8B14860A799888")]
    [InlineData("x-amz-checksum-sha1", "F7C3BC1D808E04732ADF679965CCC34CA7AE3441")]
    public void Checksums_match_their_check_values_big_endian(string header, string checkValue)
    {
        Assert.True(PayloadChecksum.TryParseHeaderName(header, out var algorithm));
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(checkValue)), Checksum(algorithm, "123456789"u8.ToArray()));
    }

    [Fact]
    public void Crc32c_of_the_documented_payload_is_the_documented_trailer() =>
        Assert.Equal("sOO8/Q==", Checksum(ChecksumAlgorithm.Crc32C, ChunkedUploads.Payload));

    [Fact]
    public void The_signing_key_cache_returns_the_derived_key()
    {
        var cache = new SigningKeyCache();
        var first = cache.Get(AwsExample.Secret, "20130524", "us-east-1");

        Assert.Same(first, cache.Get(AwsExample.Secret, "20130524", "us-east-1"));
        Assert.Equal(SigningKeyCache.Derive(AwsExample.Secret, "20130524", "us-east-1"), first);
        Assert.NotEqual(first, cache.Get(AwsExample.Secret, "20130525", "us-east-1"));
        for (var day = 10; day < 30; day++) cache.Get(AwsExample.Secret, $"201305{day}", "us-east-1");
        Assert.Equal(SigningKeyCache.Derive(AwsExample.Secret, "20130524", "us-east-1"), cache.Get(AwsExample.Secret, "20130524", "us-east-1"));
    }
}

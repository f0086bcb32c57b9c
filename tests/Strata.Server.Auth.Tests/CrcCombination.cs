using System.Buffers.Binary;
using System.IO.Hashing;
using CsCheck;
using Strata.Engine.Multipart;
using Strata.Server.Body;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// A FULL_OBJECT multipart checksum is combined from the parts' CRCs and sizes; it must equal System.IO.Hashing's CRC
/// over the concatenated bytes, for CRC32, CRC32C and CRC64/NVME, whatever the part sizes (empty parts included).
/// </summary>
public sealed class CrcCombination
{
    private static readonly Gen<byte[][]> Parts = Gen.Byte.Array[0, 3000].Array[1, 6];

    [Theory]
    [InlineData("CRC32")]
    [InlineData("CRC32C")]
    [InlineData("CRC64NVME")]
    public void Combined_part_crcs_equal_the_crc_of_the_concatenated_bytes(string algorithm)
    {
        Parts.Sample(parts =>
        {
            var combined = MultipartChecksum.Compose(algorithm, "FULL_OBJECT", parts.Select(p => new PartChecksum(Crc(algorithm, p), p.Length)).ToList());
            Assert.Equal(Crc(algorithm, parts.SelectMany(p => p).ToArray()), combined);
        }, iter: 500, threads: 1);
    }

    [Fact]
    public void Parts_larger_than_four_gigabytes_combine_as_their_length_says()
    {
        // crc(A‖B) for |B| = 2^32 + 3 zero bytes: B's own CRC comes from System.IO.Hashing over a long run of zeros,
        // checked against folding the same zeros in by combination of smaller known pieces.
        var zeros = new byte[1 << 20];
        var crc = new Crc32();
        for (var i = 0; i < 4096; i++) crc.Append(zeros);
        crc.Append(zeros.AsSpan(0, 3));
        var big = Base64(crc.GetCurrentHashAsUInt32());
        var mib = Crc("CRC32", zeros);
        var pieces = Enumerable.Repeat(new PartChecksum(mib, zeros.Length), 4096).Append(new PartChecksum(Crc("CRC32", [0, 0, 0]), 3)).ToList();
        Assert.Equal(big, MultipartChecksum.Compose("CRC32", "FULL_OBJECT", pieces));
        Assert.Equal(big, MultipartChecksum.Compose("CRC32", "FULL_OBJECT", [new PartChecksum(big, (1L << 32) + 3)]));
    }

    [Fact]
    public void The_s3_tests_suite_values_combine_to_its_full_object_checksums()
    {
        // ceph/s3-tests test_multipart_use_cksum_helper_*: three 5 MiB parts of 'A', 'B' and 'C'.
        const long size = 5 * 1024 * 1024;
        Assert.Equal("WgDhBQ==", Compose("CRC32", size, "JRTCyQ==", "QoZTGg==", "YAgjqw=="));
        Assert.Equal("xU+Krw==", Compose("CRC32C", size, "MDaLrw==", "TH4EZg==", "Z7mBIQ=="));
        Assert.Equal("i+6LR0y3eFo=", Compose("CRC64NVME", size, "L/E4WYn8v98=", "xW1l19VobYM=", "cK5MnNaWrW4="));
    }

    private static string? Compose(string algorithm, long size, params string[] parts) =>
        MultipartChecksum.Compose(algorithm, "FULL_OBJECT", parts.Select(p => new PartChecksum(p, size)).ToList());

    private static string Crc(string algorithm, byte[] data)
    {
        NonCryptographicHashAlgorithm crc = algorithm switch
        {
            "CRC32" => new Crc32(),
            "CRC32C" => new Crc32(Crc32ParameterSet.Crc32C),
            _ => new Crc64(Crc64ParameterSet.Nvme),
        };
        crc.Append(data);
        return crc switch
        {
            Crc32 c => Base64(c.GetCurrentHashAsUInt32()),
            Crc64 c => Base64(c.GetCurrentHashAsUInt64()),
            _ => throw new InvalidOperationException(),
        };
    }

    private static string Base64(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
        return Convert.ToBase64String(bytes);
    }

    private static string Base64(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return Convert.ToBase64String(bytes);
    }
}

using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using Strata.Core;
using Strata.Server.Auth;

namespace Strata.Server.Body;

internal enum ChecksumAlgorithm
{
    Crc32,
    Crc32C,
    Crc64Nvme,
    Sha1,
    Sha256,
}

/// <summary>
/// One x-amz-checksum-* computed as the payload streams by. CRC32C and CRC64/NVME come from
/// System.IO.Hashing's parameter sets (vectorized), S3 sends every value as base64 of the big-endian digest.
/// </summary>
internal sealed class PayloadChecksum : IDisposable
{
    private readonly NonCryptographicHashAlgorithm? _crc;
    private readonly IncrementalHash? _hash;

    public ChecksumAlgorithm Algorithm { get; }

    public PayloadChecksum(ChecksumAlgorithm algorithm)
    {
        Algorithm = algorithm;
        switch (algorithm)
        {
            case ChecksumAlgorithm.Crc32: _crc = new Crc32(); break;
            case ChecksumAlgorithm.Crc32C: _crc = new Crc32(Crc32ParameterSet.Crc32C); break;
            case ChecksumAlgorithm.Crc64Nvme: _crc = new Crc64(Crc64ParameterSet.Nvme); break;
            case ChecksumAlgorithm.Sha1: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA1); break;
            default: _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); break;
        }
    }

    /// <summary>S3's upper-case spelling, as in x-amz-checksum-algorithm and error messages.</summary>
    public static string Name(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "CRC32",
        ChecksumAlgorithm.Crc32C => "CRC32C",
        ChecksumAlgorithm.Crc64Nvme => "CRC64NVME",
        ChecksumAlgorithm.Sha1 => "SHA1",
        _ => "SHA256",
    };

    public static string HeaderName(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 => "x-amz-checksum-crc32",
        ChecksumAlgorithm.Crc32C => "x-amz-checksum-crc32c",
        ChecksumAlgorithm.Crc64Nvme => "x-amz-checksum-crc64nvme",
        ChecksumAlgorithm.Sha1 => "x-amz-checksum-sha1",
        _ => "x-amz-checksum-sha256",
    };

    public static readonly ChecksumAlgorithm[] All =
        [ChecksumAlgorithm.Crc32, ChecksumAlgorithm.Crc32C, ChecksumAlgorithm.Crc64Nvme, ChecksumAlgorithm.Sha1, ChecksumAlgorithm.Sha256];

    /// <summary>The algorithm of a header or trailer name such as "x-amz-checksum-crc32c", case-insensitively.</summary>
    public static bool TryParseHeaderName(ReadOnlySpan<char> name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (name.Equals(HeaderName(candidate), StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }
        algorithm = default;
        return false;
    }

    /// <summary>The algorithm of S3's name for it ("CRC64NVME", "sha256"), case-insensitively.</summary>
    public static bool TryParseName(string? name, out ChecksumAlgorithm algorithm)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(Name(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                algorithm = candidate;
                return true;
            }
        }
        algorithm = default;
        return false;
    }

    public static int DigestLength(ChecksumAlgorithm algorithm) => algorithm switch
    {
        ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C => 4,
        ChecksumAlgorithm.Crc64Nvme => 8,
        ChecksumAlgorithm.Sha1 => 20,
        _ => 32,
    };

    public void Append(ReadOnlySpan<byte> data)
    {
        if (_crc is not null) _crc.Append(data);
        else _hash!.AppendData(data);
    }

    public string ComputeBase64()
    {
        Span<byte> digest = stackalloc byte[32];
        int length;
        switch (_crc)
        {
            case Crc32 crc32:
                BinaryPrimitives.WriteUInt32BigEndian(digest, crc32.GetCurrentHashAsUInt32());
                length = 4;
                break;
            case Crc64 crc64:
                BinaryPrimitives.WriteUInt64BigEndian(digest, crc64.GetCurrentHashAsUInt64());
                length = 8;
                break;
            default:
                length = _hash!.GetCurrentHash(digest);
                break;
        }
        return Convert.ToBase64String(digest[..length]);
    }

    /// <summary>Checks the claimed value against the bytes seen; BadDigest with S3's message on a mismatch.</summary>
    public VerifiedChecksum Verify(string claimed)
    {
        var computed = ComputeBase64();
        if (!string.Equals(computed, claimed, StringComparison.Ordinal))
        {
            throw S3Fail.Exception(StrataError.BadDigest, $"The {Name(Algorithm)} you specified did not match the calculated checksum.");
        }
        return new VerifiedChecksum(Name(Algorithm), computed);
    }

    public void Dispose() => _hash?.Dispose();
}

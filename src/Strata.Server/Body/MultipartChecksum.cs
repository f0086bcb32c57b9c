using System.Buffers.Binary;
using System.Globalization;
using Strata.Core;
using Strata.Engine.Multipart;
using Strata.Engine.Objects;

namespace Strata.Server.Body;

/// <summary>
/// A multipart object's checksum, as S3 has it since 2025 ("Checking object integrity"): COMPOSITE is the checksum of
/// the parts' concatenated binary checksums followed by "-N" (any algorithm but CRC64NVME); FULL_OBJECT is the CRC of
/// the whole content, combined from the parts' CRCs and sizes (CRC32, CRC32C and CRC64NVME only).
/// </summary>
internal static class MultipartChecksum
{
    /// <summary>
    /// The checksum type of a new upload from x-amz-checksum-algorithm and x-amz-checksum-type: CRC64NVME defaults to
    /// FULL_OBJECT (it has no composite form), the others to COMPOSITE; a type the algorithm does not allow, or a type
    /// without an algorithm, is InvalidRequest.
    /// </summary>
    public static string? TypeFor(ChecksumAlgorithm? algorithm, string? typeHeader)
    {
        string? type = null;
        if (typeHeader is not null)
        {
            type = typeHeader.Trim().ToUpperInvariant();
            if (type is not (Checksum.Composite or Checksum.FullObject))
            {
                throw S3Fail.Exception(StrataError.InvalidRequest, "Value for x-amz-checksum-type header is invalid.");
            }
        }
        if (algorithm is not { } a)
        {
            if (type is not null) throw S3Fail.Exception(StrataError.InvalidRequest, "The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.");
            return null;
        }
        var isCrc = a is ChecksumAlgorithm.Crc32 or ChecksumAlgorithm.Crc32C or ChecksumAlgorithm.Crc64Nvme;
        type ??= a == ChecksumAlgorithm.Crc64Nvme ? Checksum.FullObject : Checksum.Composite;
        if ((type == Checksum.FullObject && !isCrc) || (type == Checksum.Composite && a == ChecksumAlgorithm.Crc64Nvme))
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, $"The {PayloadChecksum.Name(a)} checksum algorithm does not support the {type} checksum type.");
        }
        return type;
    }

    /// <summary>The object's checksum from its parts' (base64) checksums and sizes; null when a value is not one of the algorithm's.</summary>
    public static string? Compose(string algorithmName, string type, IReadOnlyList<PartChecksum> parts)
    {
        if (!PayloadChecksum.TryParseName(algorithmName, out var algorithm)) return null;
        return type == Checksum.FullObject ? FullObject(algorithm, parts) : Composite(algorithm, parts);
    }

    private static string? Composite(ChecksumAlgorithm algorithm, IReadOnlyList<PartChecksum> parts)
    {
        using var composite = new PayloadChecksum(algorithm);
        Span<byte> digest = stackalloc byte[32];
        foreach (var part in parts)
        {
            if (!Convert.TryFromBase64String(part.Value, digest, out var written) || written != PayloadChecksum.DigestLength(algorithm)) return null;
            composite.Append(digest[..written]);
        }
        return composite.ComputeBase64() + "-" + parts.Count.ToString(CultureInfo.InvariantCulture);
    }

    private static string? FullObject(ChecksumAlgorithm algorithm, IReadOnlyList<PartChecksum> parts)
    {
        var crc = algorithm switch
        {
            ChecksumAlgorithm.Crc32 => CrcCombine.Crc32,
            ChecksumAlgorithm.Crc32C => CrcCombine.Crc32C,
            ChecksumAlgorithm.Crc64Nvme => CrcCombine.Crc64Nvme,
            _ => null,
        };
        if (crc is null) return null;
        var length = crc.Width / 8;
        Span<byte> digest = stackalloc byte[8];
        ulong combined = 0;
        foreach (var part in parts)
        {
            if (!Convert.TryFromBase64String(part.Value, digest, out var written) || written != length) return null;
            var value = length == 4 ? BinaryPrimitives.ReadUInt32BigEndian(digest) : BinaryPrimitives.ReadUInt64BigEndian(digest);
            combined = crc.Combine(combined, value, part.Size);
        }
        if (length == 4) BinaryPrimitives.WriteUInt32BigEndian(digest, (uint)combined);
        else BinaryPrimitives.WriteUInt64BigEndian(digest, combined);
        return Convert.ToBase64String(digest[..length]);
    }
}

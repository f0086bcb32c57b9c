namespace Strata.Server.Body;

/// <summary>
/// The CRC of two concatenated byte strings from the CRCs of each and the second one's length, as zlib's
/// crc32_combine does it: crc(A‖B) = crc(A)·x^(8·|B|) mod P ⊕ crc(B). It holds for reflected CRCs whose initial
/// value and final XOR are both all ones, as CRC32, CRC32C and CRC64/NVME are. S3 builds a FULL_OBJECT checksum of a
/// multipart upload this way from its parts' checksums, so the object is never read again.
/// </summary>
internal sealed class CrcCombine
{
    public static readonly CrcCombine Crc32 = new(0xEDB88320UL, 32);
    public static readonly CrcCombine Crc32C = new(0x82F63B78UL, 32);
    public static readonly CrcCombine Crc64Nvme = new(0x9A6C9329AC4BC9B5UL, 64);

    private readonly ulong _reversedPolynomial;
    private readonly ulong _top; // x^0 in the reflected representation
    private readonly ulong[] _powers; // _powers[k] = x^(2^k) mod P

    public int Width { get; }

    private CrcCombine(ulong reversedPolynomial, int width)
    {
        _reversedPolynomial = reversedPolynomial;
        Width = width;
        _top = 1UL << (width - 1);
        // 3 + 64 squarings cover any byte length up to 2^64 (a length counts 2^3 bits per byte).
        _powers = new ulong[68];
        _powers[0] = _top >> 1; // x^1
        for (var k = 1; k < _powers.Length; k++) _powers[k] = Multiply(_powers[k - 1], _powers[k - 1]);
    }

    /// <summary>The CRC of A‖B from crc(A), crc(B) and |B| in bytes.</summary>
    public ulong Combine(ulong first, ulong second, long secondLength)
    {
        // The CRC of no bytes is 0 for these parameter sets (initial value and final XOR cancel): crc(A‖ε) = crc(A).
        if (secondLength <= 0) return first ^ second;
        return Multiply(PowerOfTwoTimes((ulong)secondLength, 3), first) ^ second;
    }

    /// <summary>a·b mod P, both in the reflected representation.</summary>
    private ulong Multiply(ulong a, ulong b)
    {
        var m = _top;
        ulong product = 0;
        while (m != 0)
        {
            if ((a & m) != 0)
            {
                product ^= b;
                if ((a & (m - 1)) == 0) break;
            }
            m >>= 1;
            b = (b & 1) != 0 ? (b >> 1) ^ _reversedPolynomial : b >> 1;
        }
        return product;
    }

    /// <summary>x^(n·2^k) mod P.</summary>
    private ulong PowerOfTwoTimes(ulong n, int k)
    {
        var p = _top;
        while (n != 0)
        {
            if ((n & 1) != 0) p = Multiply(_powers[k], p);
            n >>= 1;
            k++;
        }
        return p;
    }
}

using System.Security.Cryptography;

namespace Strata.Server.Auth;

/// <summary>The wire names and small primitives of AWS Signature Version 4 as S3 uses it.</summary>
internal static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Service = "s3";
    public const string Terminator = "aws4_request";

    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";
    public const string StreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    public const string StreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
    public const string StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    public const string ContentSha256Header = "x-amz-content-sha256";
    public const string DateHeader = "x-amz-date";
    public const string DecodedContentLengthHeader = "x-amz-decoded-content-length";
    public const string TrailerHeader = "x-amz-trailer";
    public const string SecurityTokenHeader = "x-amz-security-token";
    public const string TrailerSignatureName = "x-amz-trailer-signature";

    public const string QueryAlgorithm = "X-Amz-Algorithm";
    public const string QueryCredential = "X-Amz-Credential";
    public const string QueryDate = "X-Amz-Date";
    public const string QueryExpires = "X-Amz-Expires";
    public const string QuerySignedHeaders = "X-Amz-SignedHeaders";
    public const string QuerySignature = "X-Amz-Signature";
    public const string QuerySecurityToken = "X-Amz-Security-Token";
    public const string QueryContentSha256 = "X-Amz-Content-Sha256";

    /// <summary>S3 refuses a request more than 15 minutes from its clock, either way.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(15);

    /// <summary>A presigned URL lives at most seven days.</summary>
    public const int MaxPresignExpirySeconds = 604800;

    public static ReadOnlySpan<byte> EmptySha256Hex => "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"u8;
    public static ReadOnlySpan<byte> ChunkPrefix => "AWS4-HMAC-SHA256-PAYLOAD\n"u8;
    public static ReadOnlySpan<byte> TrailerPrefix => "AWS4-HMAC-SHA256-TRAILER\n"u8;

    public const string SignatureMismatchMessage =
        "The request signature we calculated does not match the signature you provided. Check your key and signing method.";

    private static ReadOnlySpan<byte> HexDigits => "0123456789abcdef"u8;

    public static void WriteHex(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = HexDigits[bytes[i] >> 4];
            destination[2 * i + 1] = HexDigits[bytes[i] & 0xF];
        }
    }

    /// <summary>Decodes hex of either case; false on any other character or a wrong length.</summary>
    public static bool TryDecodeHex(ReadOnlySpan<char> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2) return false;
        for (var i = 0; i < destination.Length; i++)
        {
            var high = HexValue(hex[2 * i]);
            var low = HexValue(hex[2 * i + 1]);
            if ((high | low) < 0) return false;
            destination[i] = (byte)((high << 4) | low);
        }
        return true;
    }

    public static bool TryDecodeHex(ReadOnlySpan<byte> hex, Span<byte> destination)
    {
        if (hex.Length != destination.Length * 2) return false;
        for (var i = 0; i < destination.Length; i++)
        {
            var high = HexValue((char)hex[2 * i]);
            var low = HexValue((char)hex[2 * i + 1]);
            if ((high | low) < 0) return false;
            destination[i] = (byte)((high << 4) | low);
        }
        return true;
    }

    public static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Compares a computed signature with the claimed one in constant time.</summary>
    public static bool SignaturesMatch(ReadOnlySpan<byte> computed, ReadOnlySpan<byte> claimed) =>
        CryptographicOperations.FixedTimeEquals(computed, claimed);
}

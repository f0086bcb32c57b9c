using Strata.Core;

namespace Strata.Server.Auth;

/// <summary>How the payload is protected, from x-amz-content-sha256.</summary>
internal enum PayloadMode
{
    Unsigned,
    Sha256,
    StreamingSigned,
    StreamingSignedTrailer,
    StreamingUnsignedTrailer,
}

internal static class PayloadModes
{
    public static PayloadMode Parse(string value, Span<byte> sha256)
    {
        switch (value)
        {
            case SigV4.UnsignedPayload: return PayloadMode.Unsigned;
            case SigV4.StreamingSignedPayload: return PayloadMode.StreamingSigned;
            case SigV4.StreamingSignedPayloadTrailer: return PayloadMode.StreamingSignedTrailer;
            case SigV4.StreamingUnsignedPayloadTrailer: return PayloadMode.StreamingUnsignedTrailer;
        }
        if (value.StartsWith("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", StringComparison.Ordinal))
        {
            throw S3Fail.Exception(StrataError.NotImplemented, "SigV4a (ECDSA) streaming signatures are not implemented.");
        }
        if (SigV4.TryDecodeHex(value, sha256)) return PayloadMode.Sha256;
        throw S3Fail.Exception(StrataError.InvalidArgument,
            "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, " +
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER or a valid sha256 value.");
    }

    public static bool IsStreaming(this PayloadMode mode) => mode >= PayloadMode.StreamingSigned;

    public static bool HasTrailer(this PayloadMode mode) => mode is PayloadMode.StreamingSignedTrailer or PayloadMode.StreamingUnsignedTrailer;
}

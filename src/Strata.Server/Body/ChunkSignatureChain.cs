using System.Security.Cryptography;
using System.Text;
using Strata.Server.Auth;

namespace Strata.Server.Body;

/// <summary>
/// The signatures of a signed aws-chunked body. Each chunk signs
/// "AWS4-HMAC-SHA256-PAYLOAD\n{timestamp}\n{scope}\n{previous signature}\n{sha256("")}\n{sha256(chunk)}",
/// starting from the seed (the Authorization header's signature), so chunks cannot be dropped, reordered or
/// altered; the trailer signs "AWS4-HMAC-SHA256-TRAILER\n{timestamp}\n{scope}\n{previous}\n{sha256(trailers)}".
/// </summary>
internal sealed class ChunkSignatureChain
{
    private readonly byte[] _signingKey;
    private readonly byte[] _timestampAndScope; // "{timestamp}\n{scope}\n"
    private readonly byte[] _previous = new byte[32];

    public ChunkSignatureChain(byte[] signingKey, string timestamp, string scope, ReadOnlySpan<byte> seedSignature)
    {
        _signingKey = signingKey;
        _timestampAndScope = Encoding.ASCII.GetBytes(timestamp + "\n" + scope + "\n");
        seedSignature.CopyTo(_previous);
    }

    /// <summary>Checks a chunk's claimed signature; on success it becomes the previous signature.</summary>
    public bool VerifyChunk(ReadOnlySpan<byte> chunkSha256, ReadOnlySpan<byte> claimed)
    {
        Span<byte> hashHex = stackalloc byte[64];
        SigV4.WriteHex(chunkSha256, hashHex);
        return Verify(SigV4.ChunkPrefix, hashHex, includeEmptyHash: true, claimed);
    }

    public bool VerifyTrailer(ReadOnlySpan<byte> trailerSha256, ReadOnlySpan<byte> claimed)
    {
        Span<byte> hashHex = stackalloc byte[64];
        SigV4.WriteHex(trailerSha256, hashHex);
        return Verify(SigV4.TrailerPrefix, hashHex, includeEmptyHash: false, claimed);
    }

    private bool Verify(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> hashHex, bool includeEmptyHash, ReadOnlySpan<byte> claimed)
    {
        var writer = new PooledByteWriter(prefix.Length + _timestampAndScope.Length + 3 * 65);
        try
        {
            writer.Write(prefix);
            writer.Write(_timestampAndScope);
            writer.WriteHex(_previous);
            writer.Write((byte)'\n');
            if (includeEmptyHash)
            {
                writer.Write(SigV4.EmptySha256Hex);
                writer.Write((byte)'\n');
            }
            writer.Write(hashHex);
            Span<byte> computed = stackalloc byte[32];
            HMACSHA256.HashData(_signingKey, writer.WrittenSpan, computed);
            if (!SigV4.SignaturesMatch(computed, claimed)) return false;
            computed.CopyTo(_previous);
            return true;
        }
        finally
        {
            writer.Dispose();
        }
    }
}

using System.IO.Hashing;

namespace Strata.Engine.Blobs;

/// <summary>
/// The checksum every stored body keeps (versions.body_hash, parts.body_hash, version_parts.body_hash) so that a scrub
/// or a GET can tell rotten bytes from good ones: XXH128, 16 bytes, computed where the bytes already pass (the draft's
/// write loop). Chosen for cost: it hashes at memory speed (see bench/RESULTS.md, "Scrub"), an order of magnitude
/// faster than SHA-256 or the MD5 the ETag already needs, so neither a 4 KiB PUT nor a disk-speed large body feels it.
/// It guards against rot, not against an attacker with write access to the data directory.
/// </summary>
internal sealed class BodyHash
{
    public const int Length = 16;

    /// <summary>The algorithm's name, as the admin API and the docs show it.</summary>
    public const string Algorithm = "XXH128";

    private readonly XxHash128 _hash = new();

    public void Append(ReadOnlySpan<byte> data) => _hash.Append(data);

    public byte[] GetHashAndReset() => _hash.GetHashAndReset();

    /// <summary>The hash of a whole body into <paramref name="destination"/> (<see cref="Length"/> bytes), without allocating.</summary>
    public static ReadOnlySpan<byte> Of(ReadOnlySpan<byte> data, Span<byte> destination)
    {
        XxHash128.Hash(data, destination);
        return destination[..Length];
    }

    public static bool Matches(byte[]? expected, ReadOnlySpan<byte> actual) => expected is not null && actual.SequenceEqual(expected);
}

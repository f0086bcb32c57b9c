using System.Security.Cryptography;
using System.Text;

namespace Strata.Server.Auth;

/// <summary>
/// The SigV4 signing key, HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), "s3"), "aws4_request"),
/// kept for the few (secret, date, region) triples in use: it changes once a day per key, and deriving it
/// costs four HMACs per request otherwise.
/// </summary>
internal sealed class SigningKeyCache
{
    private sealed record Entry(string Secret, string Date, string Region, byte[] Key);

    // Small and fixed: one root key today, two dates around midnight. Slots are replaced round-robin;
    // a reference read is atomic, so lookups take no lock.
    private readonly Entry?[] _slots = new Entry?[8];
    private int _next;

    public byte[] Get(string secret, string date, string region)
    {
        foreach (var entry in _slots)
        {
            if (entry is not null && entry.Date == date && entry.Region == region && entry.Secret == secret) return entry.Key;
        }
        var key = Derive(secret, date, region);
        var slot = (int)((uint)Interlocked.Increment(ref _next) % (uint)_slots.Length);
        Volatile.Write(ref _slots[slot], new Entry(secret, date, region, key));
        return key;
    }

    public static byte[] Derive(string secret, string date, string region)
    {
        var secretBytes = Encoding.UTF8.GetByteCount(secret) + 4;
        Span<byte> seed = secretBytes <= 256 ? stackalloc byte[secretBytes] : new byte[secretBytes];
        "AWS4"u8.CopyTo(seed);
        Encoding.UTF8.GetBytes(secret, seed[4..]);

        Span<byte> text = stackalloc byte[Math.Max(Encoding.UTF8.GetMaxByteCount(Math.Max(date.Length, region.Length)), 16)];
        Span<byte> k1 = stackalloc byte[32];
        Span<byte> k2 = stackalloc byte[32];
        HMACSHA256.HashData(seed, text[..Encoding.UTF8.GetBytes(date, text)], k1);
        CryptographicOperations.ZeroMemory(seed);
        HMACSHA256.HashData(k1, text[..Encoding.UTF8.GetBytes(region, text)], k2);
        HMACSHA256.HashData(k2, "s3"u8, k1);
        var key = new byte[32];
        HMACSHA256.HashData(k1, "aws4_request"u8, key);
        CryptographicOperations.ZeroMemory(k1);
        CryptographicOperations.ZeroMemory(k2);
        return key;
    }
}

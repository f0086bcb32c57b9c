using System.Security.Cryptography;

namespace Strata.Engine.Identities;

/// <summary>
/// Encrypts stored secrets (access keys' secrets, MFA seeds) with AES-GCM under a key kept in its own file
/// (secret.key, mode 0600) beside the database, so a copy of metadata.db alone reveals no secret.
/// </summary>
internal sealed class SecretBox
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecretBox(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, "secret.key");
        if (File.Exists(path))
        {
            _key = File.ReadAllBytes(path);
            if (_key.Length != 32) throw new InvalidDataException($"{path} must hold 32 bytes");
            return;
        }
        _key = RandomNumberGenerator.GetBytes(32);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var file = new FileStream(path, options);
        file.Write(_key);
        file.Flush(flushToDisk: true);
        // The new file's directory entry too: without it a power cut can lose secret.key while metadata.db keeps the
        // secrets it sealed, and the next start would make a new key that opens none of them (PowerLoss/PowerCut).
        Blobs.Fsync.DirectoryOf(path);
    }

    public byte[] Seal(ReadOnlySpan<byte> plaintext)
    {
        var sealedBytes = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plaintext, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize));
        return sealedBytes;
    }

    public byte[] Open(ReadOnlySpan<byte> sealedBytes)
    {
        var plaintext = new byte[sealedBytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(sealedBytes[..NonceSize], sealedBytes[(NonceSize + TagSize)..], sealedBytes.Slice(NonceSize, TagSize), plaintext);
        return plaintext;
    }
}

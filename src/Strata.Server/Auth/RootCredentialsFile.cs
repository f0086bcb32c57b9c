using System.Security.Cryptography;
using System.Text.Json;
using Strata.Engine;

namespace Strata.Server.Auth;

/// <summary>How the root key of this start relates to the one kept in DATA/root-credentials.json.</summary>
public enum RootKeyChange
{
    /// <summary>The same key as the previous start.</summary>
    None,

    /// <summary>No key anywhere: one was generated and stored; show it once.</summary>
    Generated,

    /// <summary>STRATA_ROOT_ACCESS_KEY/SECRET_KEY name a different key than the stored one, which no longer works.</summary>
    Replaced,
}

/// <summary>
/// DATA/root-credentials.json (mode 0600) always holds the root key the server runs with: generated on the first
/// start when the environment names none, or the environment's, so that the file stays true when an operator
/// changes STRATA_ROOT_ACCESS_KEY/STRATA_ROOT_SECRET_KEY between runs.
/// </summary>
public static class RootCredentialsFile
{
    public const string FileName = "root-credentials.json";

    /// <exception cref="DataDirectoryRefusedException">The file is damaged, or cannot be written.</exception>
    public static AccessKey LoadOrCreate(string dataDirectory, AccessKey? fromEnvironment, out RootKeyChange change, out string? previousAccessKeyId)
    {
        var path = Path.Combine(dataDirectory, FileName);
        var stored = Read(path);
        previousAccessKeyId = stored?.AccessKeyId;
        if (fromEnvironment is not null)
        {
            change = stored is null || stored == fromEnvironment ? RootKeyChange.None : RootKeyChange.Replaced;
            if (stored != fromEnvironment) Write(path, fromEnvironment);
            return fromEnvironment;
        }
        if (stored is not null)
        {
            change = RootKeyChange.None;
            return stored;
        }
        var generated = new AccessKey("SK" + RandomText(18, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), RandomText(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"));
        Write(path, generated);
        change = RootKeyChange.Generated;
        return generated;
    }

    private static AccessKey? Read(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var stream = File.OpenRead(path);
            var key = JsonSerializer.Deserialize<AccessKey>(stream);
            if (key is { AccessKeyId.Length: > 0, SecretAccessKey.Length: > 0 }) return key;
        }
        catch (JsonException)
        {
        }
        throw new DataDirectoryRefusedException(
            $"{path} is damaged. Set STRATA_ROOT_ACCESS_KEY and STRATA_ROOT_SECRET_KEY to the root key to use (the file is rewritten), or remove the file to generate a new key.");
    }

    // Written to a temporary file, synced, then renamed over the old one: a crash leaves the old key or the new.
    private static void Write(string path, AccessKey key)
    {
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, key);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        Engine.Blobs.Fsync.DirectoryOf(path);
    }

    private static string RandomText(int length, string alphabet) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
        });
}

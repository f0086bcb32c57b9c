using System.Security.Cryptography;
using System.Text.Json;

namespace Strata.Server.Auth;

/// <summary>An access key pair. The secret is never logged or printed after first creation.</summary>
public sealed record AccessKey(string AccessKeyId, string SecretAccessKey);

/// <summary>
/// The credentials the server accepts. For now the root user only: from STRATA_ROOT_ACCESS_KEY /
/// STRATA_ROOT_SECRET_KEY, or generated on first start and kept in the data directory (mode 0600).
/// </summary>
public sealed class Credentials(AccessKey root)
{
    public AccessKey Root { get; } = root;

    /// <summary>The secret of an access key id, or null when the key is unknown.</summary>
    public string? FindSecret(string accessKeyId) => accessKeyId == Root.AccessKeyId ? Root.SecretAccessKey : null;

    private const string FileName = "root-credentials.json";

    /// <summary>
    /// Loads the root key from the environment or the data directory, generating and storing a pair when
    /// neither has one. <paramref name="generated"/> tells the caller to show it once.
    /// </summary>
    public static AccessKey LoadOrCreateRoot(string dataDirectory, string? accessKeyId, string? secret, out bool generated)
    {
        generated = false;
        if (!string.IsNullOrEmpty(accessKeyId) && !string.IsNullOrEmpty(secret)) return new AccessKey(accessKeyId, secret);
        var path = Path.Combine(dataDirectory, FileName);
        if (File.Exists(path))
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<AccessKey>(stream) ?? throw new InvalidDataException($"{path} is empty");
        }
        var key = new AccessKey("SK" + RandomText(18, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), RandomText(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"));
        Directory.CreateDirectory(dataDirectory);
        var temp = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, key);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temp, path, overwrite: true);
        generated = true;
        return key;
    }

    private static string RandomText(int length, string alphabet) =>
        string.Create(length, alphabet, static (span, chars) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = chars[RandomNumberGenerator.GetInt32(chars.Length)];
        });
}

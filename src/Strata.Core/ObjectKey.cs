using System.Text;

namespace Strata.Core;

/// <summary>
/// An object key: any valid UTF-8 of 1 to 1024 bytes. It is only ever a database value,
/// never a file system path, so "../", "/" or NUL have no special meaning.
/// </summary>
public readonly record struct ObjectKey
{
    public const int MaxBytes = 1024;

    public string Value { get; }

    private ObjectKey(string value) => Value = value;

    public override string ToString() => Value;

    public byte[] ToUtf8() => Encoding.UTF8.GetBytes(Value);

    public static ObjectKey FromUtf8(ReadOnlySpan<byte> utf8) => new(Encoding.UTF8.GetString(utf8));

    /// <summary>Validates a decoded key; the error says which S3 code applies.</summary>
    public static bool TryParse(string? candidate, out ObjectKey key, out StrataError error)
    {
        key = default;
        error = StrataError.InvalidArgument;
        if (string.IsNullOrEmpty(candidate)) return false;
        int bytes;
        try
        {
            bytes = StrictUtf8.GetByteCount(candidate);
        }
        catch (EncoderFallbackException)
        {
            return false; // lone surrogates cannot be stored as UTF-8
        }
        if (bytes > MaxBytes)
        {
            error = StrataError.KeyTooLongError;
            return false;
        }
        key = new ObjectKey(candidate);
        return true;
    }

    public static ObjectKey Parse(string candidate) =>
        TryParse(candidate, out var key, out var error)
            ? key
            : throw S3Fail.Exception(error, error == StrataError.KeyTooLongError ? null : "Object key is not valid UTF-8 of 1 to 1024 bytes.");

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}

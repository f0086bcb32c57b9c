using Strata.Core;

namespace Strata.Server.Body;

/// <summary>
/// A small request document (a bucket configuration, an ACL, a retention) read whole and to its end, so its
/// signature and checksum are verified before it is parsed. More than <c>maxBytes</c> is refused with the
/// caller's error before anything is stored; the buffer grows as the body does, never past the cap.
/// </summary>
internal static class SmallBody
{
    public static async Task<(byte[] Body, int Length)> ReadAsync(Stream payload, int maxBytes, StrataError tooLarge, string? message,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        var length = 0;
        int read;
        while ((read = await payload.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
            if (length > maxBytes) S3Fail.With(tooLarge, message);
            if (length == buffer.Length) Array.Resize(ref buffer, Math.Min(buffer.Length * 2, maxBytes + 1));
        }
        return (buffer, length);
    }
}

using Strata.Core;

namespace Strata.Server.Body;

/// <summary>
/// A body whose length is known only at its end (a browser-upload form's file part, a PUT sent with HTTP chunked
/// transfer encoding): refused with EntityTooLarge as soon as it passes <paramref name="maxLength"/> (nothing more
/// is read or written), feeding a checksum when there is one, and turning a body cut short (a form's missing
/// closing boundary, a chunked body that ends early) into IncompleteBody.
/// </summary>
internal sealed class BoundedBodyStream(Stream section, long maxLength, PayloadChecksum? checksum) : Stream
{
    public long Length64 { get; private set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await section.ReadAsync(buffer, cancellationToken);
        }
        catch (IOException error) when (error is not Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // MultipartReader's "Unexpected end of Stream" (the body ended inside the file part), or a chunked body cut.
            throw S3Fail.Exception(StrataError.IncompleteBody, "The body ended before its end was sent.");
        }
        Length64 += read;
        if (Length64 > maxLength) throw S3Fail.Exception(StrataError.EntityTooLarge);
        checksum?.Append(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Length64; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

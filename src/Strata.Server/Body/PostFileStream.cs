using Strata.Core;

namespace Strata.Server.Body;

/// <summary>
/// The file part of a browser-upload form as it streams in: refuses it with EntityTooLarge as soon as it passes
/// the policy's content-length-range maximum (nothing more is read or written), feeds the form's
/// x-amz-checksum-* when it has one, and turns a body cut before the closing boundary into IncompleteBody.
/// </summary>
internal sealed class PostFileStream(Stream section, long maxLength, PayloadChecksum? checksum) : Stream
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
            // MultipartReader's "Unexpected end of Stream": the body ended inside the file part.
            throw S3Fail.Exception(StrataError.IncompleteBody, "The POST body ended before the file part's closing boundary.");
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

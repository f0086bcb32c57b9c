using Strata.Core;

namespace Strata.Server.Body;

/// <summary>
/// A body whose length is known only at its end (a browser-upload form's file part, a PUT sent with HTTP chunked
/// transfer encoding): refused with EntityTooLarge as soon as it passes <paramref name="maxLength"/> (nothing more
/// is read or written), feeding a checksum when there is one, and turning a body cut short (a form's missing
/// closing boundary, a chunked body that ends early) into IncompleteBody.
/// </summary>
internal sealed class BoundedBodyStream(Stream section, long maxLength, PayloadChecksum? checksum) : ForwardOnlyStream
{
    private long _read;

    protected override async ValueTask<int> ReadCoreAsync(Memory<byte> destination, bool useAsync, CancellationToken cancellationToken)
    {
        int read;
        try
        {
            read = await ReadFromAsync(section, destination, useAsync, cancellationToken);
        }
        catch (IOException error) when (error is not Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // MultipartReader's "Unexpected end of Stream" (the body ended inside the file part), or a chunked body cut.
            throw S3Fail.Exception(StrataError.IncompleteBody, "The body ended before its end was sent.");
        }
        _read += read;
        if (_read > maxLength) throw S3Fail.Exception(StrataError.EntityTooLarge);
        checksum?.Append(destination.Span[..read]);
        return read;
    }
}

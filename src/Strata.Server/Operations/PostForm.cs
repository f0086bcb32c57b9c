using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using Strata.Core;

namespace Strata.Server.Operations;

/// <summary>
/// A browser-upload form read section by section up to its file part, whose body is left unread for the
/// caller to stream. Field names are case-insensitive as S3 treats them; fields after the file are ignored,
/// as S3 ignores them. Text fields are small and bounded, so a form of 10,000 fields is refused early.
/// </summary>
internal sealed class PostForm
{
    /// <summary>S3: the fields before the file may add up to 20 KB (MaxPostPreDataLengthExceededError past that).</summary>
    public const int MaxPreDataBytes = 20 * 1024;

    /// <summary>More fields than any real form has; each costs a dictionary entry, so the count is bounded too.</summary>
    public const int MaxFields = 1000;

    /// <summary>The fields before the file must all arrive within this time: they are small, a stall here is given up.</summary>
    public static readonly TimeSpan PreDataTimeout = TimeSpan.FromSeconds(40);

    private PostForm(Dictionary<string, string> fields, MultipartSection file, string? fileName)
    {
        Fields = fields;
        File = file;
        FileName = fileName;
    }

    public Dictionary<string, string> Fields { get; }
    public MultipartSection File { get; }
    public string? FileName { get; }

    public static async Task<PostForm> ReadAsync(HttpRequest request, Stream body, CancellationToken cancellationToken)
    {
        var boundary = Boundary(request.ContentType);
        var reader = new MultipartReader(boundary, body) { HeadersCountLimit = 8, HeadersLengthLimit = 4 * 1024 };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var preData = 0;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(PreDataTimeout);
        try
        {
            while (true)
            {
                var section = await NextAsync(reader, deadline.Token)
                    ?? throw S3Fail.Exception(StrataError.InvalidArgument, "POST requires exactly one file upload per request.");
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase)
                    || HeaderUtilities.RemoveQuotes(disposition.Name).Value is not { Length: > 0 } name)
                {
                    throw Malformed();
                }
                if (name.Equals("file", StringComparison.OrdinalIgnoreCase))
                {
                    var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                    return new PostForm(fields, section, fileName);
                }
                if (fields.Count >= MaxFields) throw TooLarge();
                var value = await ReadValueAsync(section.Body, MaxPreDataBytes - preData - Encoding.UTF8.GetByteCount(name), deadline.Token);
                preData += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
                if (!fields.TryAdd(name, value))
                {
                    throw S3Fail.Exception(StrataError.InvalidArgument, $"POST form fields must be unique; '{name}' appears twice.");
                }
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw S3Fail.Exception(StrataError.RequestTimeout);
        }
    }

    private static async Task<MultipartSection?> NextAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (InvalidDataException)
        {
            throw Malformed(); // headers too long or too many, a bad boundary line
        }
        catch (IOException error) when (error is not BadHttpRequestException)
        {
            throw Malformed(); // the body ended before the next boundary; Kestrel's own refusals go up as they are
        }
    }

    /// <summary>A field's value as UTF-8, refused once it passes what the fields before the file may still hold.</summary>
    private static async Task<string> ReadValueAsync(Stream body, int budget, CancellationToken cancellationToken)
    {
        if (budget < 0) throw TooLarge();
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Min(budget, MaxPreDataBytes) + 1);
        try
        {
            var length = 0;
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer.AsMemory(length, Math.Min(buffer.Length, budget + 1) - length), cancellationToken);
                }
                catch (IOException error) when (error is not BadHttpRequestException)
                {
                    throw Malformed();
                }
                if (read == 0) break;
                length += read;
                if (length > budget) throw TooLarge();
            }
            return Encoding.UTF8.GetString(buffer, 0, length);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static string Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var media)
            || !media.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new StrataException(StrataError.PreconditionFailed, S3Fail.DefaultMessage(StrataError.PreconditionFailed))
            {
                Details = [new("Condition", "Bucket POST must be of the enclosure-type multipart/form-data")],
            };
        }
        var boundary = HeaderUtilities.RemoveQuotes(media.Boundary).Value;
        if (string.IsNullOrEmpty(boundary) || boundary.Length > 70) throw Malformed();
        return boundary;
    }

    private static StrataException Malformed() => S3Fail.Exception(StrataError.MalformedPOSTRequest);

    private static StrataException TooLarge() => S3Fail.Exception(StrataError.MaxPostPreDataLengthExceededError);
}

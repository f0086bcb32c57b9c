using System.Text;
using System.Xml;
using Microsoft.AspNetCore.Http;

namespace Strata.Server.Xml;

/// <summary>S3's XML namespace and the settings every response and request body uses.</summary>
internal static class S3Xml
{
    public const string Namespace = "http://s3.amazonaws.com/doc/2006-03-01/";

    /// <summary>Largest XML request body accepted (DeleteObjects of 1000 long keys fits well under it).</summary>
    public const long MaxRequestBytes = 2 * 1024 * 1024;

    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Async = true,
        Encoding = new UTF8Encoding(false),
        Indent = false,
        CheckCharacters = false,
    };

    // No DTDs (no XXE, no entity expansion), no resolver, bounded size.
    private static readonly XmlReaderSettings ReaderSettings = new()
    {
        Async = true,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        // Whitespace is kept: a key may be " " (S3 allows it); readers step over whitespace between elements
        // with MoveToContent.
        IgnoreWhitespace = false,
        IgnoreProcessingInstructions = true,
        MaxCharactersInDocument = MaxRequestBytes,
    };

    public static XmlWriter CreateWriter(HttpResponse response)
    {
        response.ContentType = "application/xml";
        return XmlWriter.Create(response.Body, WriterSettings);
    }

    public static XmlReader CreateReader(Stream body) => XmlReader.Create(body, ReaderSettings);

    public static string Timestamp(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    public static Task ElementAsync(this XmlWriter writer, string name, string value) =>
        writer.WriteElementStringAsync(null, name, null, value);
}

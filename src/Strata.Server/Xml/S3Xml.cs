using System.Text;
using System.Xml;
using Microsoft.AspNetCore.Http;
using Strata.Core;

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

    /// <summary>
    /// Settings for a configuration document read from a string (CORS, lifecycle, replication, tagging, ACL, Object Lock,
    /// Block Public Access): no DTDs (no XXE, no entity expansion), no resolver, comments and processing instructions
    /// skipped, at most <paramref name="maxCharacters"/>. Whitespace is kept unless asked, since a prefix or a tag keeps its spaces.
    /// </summary>
    public static XmlReaderSettings DocumentSettings(int maxCharacters, bool ignoreWhitespace = false) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        IgnoreWhitespace = ignoreWhitespace,
        MaxCharactersInDocument = maxCharacters,
    };

    /// <summary>An element in S3's namespace, or in none (clients send both).</summary>
    public static bool IsS3(XmlReader xml) => xml.NamespaceURI.Length == 0 || xml.NamespaceURI == Namespace;

    /// <summary>S3's MalformedXML, the answer to a configuration document that does not follow its schema.</summary>
    public static StrataException Malformed() => S3Fail.Exception(StrataError.MalformedXML);

    /// <summary>
    /// Reads an element whose children are simple values; <paramref name="take"/> refuses an unknown or repeated one
    /// (MalformedXML). Children <paramref name="skip"/> names are stepped over unread.
    /// </summary>
    public static void ReadChildren(XmlReader xml, Func<string, string, bool> take, Func<string, bool>? skip = null)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return;
        }
        xml.Read();
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
            var name = xml.LocalName;
            if (skip?.Invoke(name) == true)
            {
                xml.Skip();
                continue;
            }
            if (!take(name, xml.ReadElementContentAsString())) throw Malformed();
        }
        xml.Read();
    }

    /// <summary>The ID S3 gives a lifecycle or replication rule sent without one: random, 22 letters and digits.</summary>
    public static string GeneratedRuleId() => Convert.ToBase64String(Guid.NewGuid().ToByteArray()).TrimEnd('=').Replace('+', 'A').Replace('/', 'B');

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

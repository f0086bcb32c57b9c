using System.Globalization;
using System.Xml;
using Strata.Core;
using Strata.Core.Cors;
using static Strata.Server.Xml.S3Xml;

namespace Strata.Server.Xml;

/// <summary>
/// Reads &lt;CORSConfiguration&gt;&lt;CORSRule&gt;…&lt;/CORSRule&gt;…&lt;/CORSConfiguration&gt; strictly: an unknown
/// element, text between elements, an element inside a value or a repeated ID or MaxAgeSeconds is MalformedXML,
/// as is anything XmlReader refuses (DTDs included). The values are then validated by <see cref="CorsConfiguration.Create"/>.
/// </summary>
internal static class CorsConfigurationReader
{
    /// <summary>S3: the CORS configuration document is at most 64 KB.</summary>
    public const int MaxBytes = 64 * 1024;

    /// <summary>
    /// The stored form can be longer than the document the client sent (the namespace added, '&gt;' and carriage
    /// returns escaped), and must always read back: it is read with this larger cap.
    /// </summary>
    public const int MaxStoredChars = 8 * MaxBytes;

    private static readonly XmlReaderSettings Sent = DocumentSettings(MaxBytes);
    private static readonly XmlReaderSettings Stored = DocumentSettings(MaxStoredChars);

    /// <summary>A document a client sent (PutBucketCors).</summary>
    public static CorsConfiguration Read(string document) => Read(document, Sent);

    /// <summary>A document as <see cref="CorsConfigurationWriter"/> stored it.</summary>
    public static CorsConfiguration ReadStored(string document) => Read(document, Stored);

    private static CorsConfiguration Read(string document, XmlReaderSettings settings)
    {
        var rules = new List<CorsRule>();
        try
        {
            using var xml = XmlReader.Create(new StringReader(document), settings);
            if (xml.MoveToContent() != XmlNodeType.Element || xml.LocalName != "CORSConfiguration" || !IsS3(xml) || xml.IsEmptyElement)
            {
                throw Malformed();
            }
            xml.Read();
            while (xml.MoveToContent() != XmlNodeType.EndElement)
            {
                if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "CORSRule" || !IsS3(xml)) throw Malformed();
                rules.Add(ReadRule(xml));
                if (rules.Count > CorsConfiguration.MaxRules) throw Malformed();
            }
            xml.Read();
            if (xml.MoveToContent() != XmlNodeType.None) throw Malformed();
        }
        catch (XmlException)
        {
            throw Malformed();
        }
        return CorsConfiguration.Create(rules);
    }

    private static CorsRule ReadRule(XmlReader xml)
    {
        string? id = null;
        int? maxAge = null;
        List<string> origins = [], methods = [], headers = [], exposeHeaders = [];
        if (xml.IsEmptyElement)
        {
            xml.Read();
            throw Malformed(); // a rule without AllowedOrigin and AllowedMethod
        }
        xml.Read();
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
            var name = xml.LocalName;
            var value = xml.ReadElementContentAsString(); // XmlException for an element inside the value
            switch (name)
            {
                case "ID" when id is null:
                    id = value;
                    break;
                case "AllowedOrigin":
                    origins.Add(value);
                    break;
                case "AllowedMethod":
                    methods.Add(value);
                    break;
                case "AllowedHeader":
                    headers.Add(value);
                    break;
                case "ExposeHeader":
                    exposeHeaders.Add(value);
                    break;
                case "MaxAgeSeconds" when maxAge is null:
                    // Digits only: no sign, spaces, fraction or exponent; at most int.MaxValue.
                    maxAge = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : throw Malformed();
                    break;
                default:
                    throw Malformed();
            }
        }
        xml.Read();
        return new CorsRule
        {
            Id = id,
            AllowedOrigins = origins,
            AllowedMethods = methods,
            AllowedHeaders = headers,
            ExposeHeaders = exposeHeaders,
            MaxAgeSeconds = maxAge,
        };
    }
}

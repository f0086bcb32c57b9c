using System.Text;
using System.Xml;
using Strata.Core.Cors;

namespace Strata.Server.Xml;

/// <summary>
/// Writes a CORS configuration as GetBucketCors returns it, each rule's elements in S3's order (ID, AllowedMethod,
/// AllowedOrigin, AllowedHeader, MaxAgeSeconds, ExposeHeader). The engine stores this form, without the XML declaration.
/// </summary>
internal static class CorsConfigurationWriter
{
    private static readonly XmlWriterSettings Settings = new()
    {
        OmitXmlDeclaration = true,
        Indent = false,
        NewLineHandling = NewLineHandling.Entitize, // a value keeps its carriage returns through the stored form
    };

    public const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    public static string Write(CorsConfiguration configuration)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, Settings))
        {
            xml.WriteStartElement(null, "CORSConfiguration", S3Xml.Namespace);
            foreach (var rule in configuration.Rules)
            {
                xml.WriteStartElement("CORSRule", S3Xml.Namespace);
                if (rule.Id is not null) xml.WriteElementString("ID", S3Xml.Namespace, rule.Id);
                Elements(xml, "AllowedMethod", rule.AllowedMethods);
                Elements(xml, "AllowedOrigin", rule.AllowedOrigins);
                Elements(xml, "AllowedHeader", rule.AllowedHeaders);
                if (rule.MaxAgeSeconds is { } seconds) xml.WriteElementString("MaxAgeSeconds", S3Xml.Namespace, seconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Elements(xml, "ExposeHeader", rule.ExposeHeaders);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        return text.ToString();
    }

    private static void Elements(XmlWriter xml, string name, IReadOnlyList<string> values)
    {
        foreach (var value in values) xml.WriteElementString(name, S3Xml.Namespace, value);
    }
}

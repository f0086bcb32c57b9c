using System.Xml;
using Strata.Core;
using Strata.Core.PublicAccess;
using static Strata.Server.Xml.S3Xml;

namespace Strata.Server.Xml;

/// <summary>
/// &lt;PublicAccessBlockConfiguration&gt; with its four optional booleans, read strictly (an unknown or repeated element,
/// text between elements, a value other than true or false is MalformedXML; DTDs are refused) and written as
/// GetPublicAccessBlock returns it: all four, in S3's order. The engine stores the written form, without the declaration.
/// </summary>
internal static class PublicAccessBlockXml
{
    /// <summary>The document is four booleans; 4 KB leaves room for white space and a namespace prefix.</summary>
    public const int MaxBytes = 4 * 1024;

    public const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    private const string Root = "PublicAccessBlockConfiguration";

    // In S3's order, which is also PublicAccessBlock's.
    private static readonly string[] Names = ["BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"];

    private static readonly XmlReaderSettings Settings = DocumentSettings(MaxBytes);

    public static PublicAccessBlock Read(string document)
    {
        var flags = new bool?[Names.Length];
        try
        {
            using var xml = XmlReader.Create(new StringReader(document), Settings);
            if (xml.MoveToContent() != XmlNodeType.Element || xml.LocalName != Root || !IsS3(xml)) throw Malformed();
            if (xml.IsEmptyElement) return PublicAccessBlock.None;
            xml.Read();
            while (xml.MoveToContent() != XmlNodeType.EndElement)
            {
                if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
                var index = Array.IndexOf(Names, xml.LocalName);
                if (index < 0 || flags[index] is not null) throw Malformed();
                flags[index] = Flag(xml.ReadElementContentAsString());
            }
            xml.Read();
            if (xml.MoveToContent() != XmlNodeType.None) throw Malformed();
        }
        catch (XmlException)
        {
            throw Malformed();
        }
        return new PublicAccessBlock(flags[0] ?? false, flags[1] ?? false, flags[2] ?? false, flags[3] ?? false);
    }

    public static string Write(PublicAccessBlock configuration) =>
        $"<{Root} xmlns=\"{S3Xml.Namespace}\">" +
        $"<BlockPublicAcls>{Text(configuration.BlockPublicAcls)}</BlockPublicAcls>" +
        $"<IgnorePublicAcls>{Text(configuration.IgnorePublicAcls)}</IgnorePublicAcls>" +
        $"<BlockPublicPolicy>{Text(configuration.BlockPublicPolicy)}</BlockPublicPolicy>" +
        $"<RestrictPublicBuckets>{Text(configuration.RestrictPublicBuckets)}</RestrictPublicBuckets>" +
        $"</{Root}>";

    private static string Text(bool value) => value ? "true" : "false";

    // xs:boolean as S3's SDKs send it; surrounding white space is allowed, as XML Schema collapses it.
    private static bool Flag(string text) => text.Trim() switch
    {
        "true" or "TRUE" or "True" => true,
        "false" or "FALSE" or "False" => false,
        _ => throw Malformed(),
    };
}

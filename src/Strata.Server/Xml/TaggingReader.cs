using System.Xml;
using Strata.Core;
using Strata.Core.Tagging;
using static Strata.Server.Xml.S3Xml;

namespace Strata.Server.Xml;

/// <summary>
/// Reads &lt;Tagging&gt;&lt;TagSet&gt;&lt;Tag&gt;&lt;Key/&gt;&lt;Value/&gt;&lt;/Tag&gt;…&lt;/TagSet&gt;&lt;/Tagging&gt; strictly
/// (PutObjectTagging, PutBucketTagging, a POST form's tagging field): an unknown or repeated element, a Tag without its
/// Key or Value, or anything XmlReader refuses (DTDs included) is MalformedXML. The tags are then validated by
/// <see cref="TagSet.Create"/> (InvalidTag).
/// </summary>
internal static class TaggingReader
{
    /// <summary>Far above 50 tags of 128 + 256 characters, written out with their markup and escapes.</summary>
    public const int MaxBytes = 256 * 1024;

    private static readonly XmlReaderSettings Settings = DocumentSettings(MaxBytes);

    public static TagSet Read(string document, TagSetKind kind)
    {
        var tags = new List<Tag>();
        try
        {
            using var xml = XmlReader.Create(new StringReader(document), Settings);
            EnterElement(xml, "Tagging");
            EnterElement(xml, "TagSet", allowEmpty: true);
            if (xml.NodeType != XmlNodeType.EndElement || xml.LocalName != "Tagging")
            {
                // The document's size cap bounds how many tags there can be.
                while (xml.MoveToContent() != XmlNodeType.EndElement) tags.Add(ReadTag(xml));
                xml.Read(); // </TagSet>
            }
            if (xml.MoveToContent() != XmlNodeType.EndElement || xml.LocalName != "Tagging") throw Malformed();
            xml.Read();
            if (xml.MoveToContent() != XmlNodeType.None) throw Malformed();
        }
        catch (XmlException)
        {
            throw Malformed();
        }
        return TagSet.Create(tags, kind);
    }

    // Moves inside <name>; an empty <TagSet/> leaves the reader on what follows it.
    private static void EnterElement(XmlReader xml, string name, bool allowEmpty = false)
    {
        if (xml.MoveToContent() != XmlNodeType.Element || xml.LocalName != name || !IsS3(xml)) throw Malformed();
        if (xml.IsEmptyElement)
        {
            if (!allowEmpty) throw Malformed();
            xml.Read();
            xml.MoveToContent();
            return;
        }
        xml.Read();
        xml.MoveToContent();
    }

    private static Tag ReadTag(XmlReader xml)
    {
        if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "Tag" || !IsS3(xml) || xml.IsEmptyElement) throw Malformed();
        xml.Read();
        string? key = null, value = null;
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
            var name = xml.LocalName;
            var text = xml.ReadElementContentAsString(); // XmlException for an element inside the value
            switch (name)
            {
                case "Key" when key is null:
                    key = text;
                    break;
                case "Value" when value is null:
                    value = text;
                    break;
                default:
                    throw Malformed();
            }
        }
        xml.Read();
        if (key is null || value is null) throw Malformed();
        return new Tag(key, value);
    }
}

using System.Xml;
using Strata.Core.Tagging;

namespace Strata.Server.Xml;

/// <summary>GetObjectTagging's and GetBucketTagging's answer: &lt;Tagging&gt;&lt;TagSet&gt;&lt;Tag&gt;… in the order the tags were set.</summary>
internal static class TaggingWriter
{
    public static async Task WriteAsync(XmlWriter xml, TagSet tags)
    {
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "Tagging", S3Xml.Namespace);
        await xml.WriteStartElementAsync(null, "TagSet", null);
        foreach (var (key, value) in tags.Tags)
        {
            await xml.WriteStartElementAsync(null, "Tag", null);
            await xml.ElementAsync("Key", key);
            await xml.ElementAsync("Value", value);
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }
}

using System.Xml;
using Strata.Core;

namespace Strata.Server.Xml;

/// <summary>One &lt;Object&gt; of a DeleteObjects request.</summary>
/// <param name="ETag">The object's ETag element: a conditional delete of that key (S3's If-Match, per object).</param>
internal sealed record DeleteEntry(string Key, string? VersionId, string? ETag = null);

/// <summary>Reads &lt;Delete&gt;&lt;Quiet/&gt;&lt;Object&gt;&lt;Key/&gt;&lt;VersionId/&gt;&lt;/Object&gt;…&lt;/Delete&gt; (at most 1000 objects).</summary>
internal static class DeleteRequestReader
{
    public const int MaxObjects = 1000;

    public static async Task<(bool Quiet, List<DeleteEntry> Entries)> ReadAsync(Stream body)
    {
        var entries = new List<DeleteEntry>();
        var quiet = false;
        try
        {
            using var xml = S3Xml.CreateReader(body);
            await xml.MoveToContentAsync();
            if (xml.LocalName != "Delete") throw S3Fail.Exception(StrataError.MalformedXML);
            if (xml.IsEmptyElement) throw S3Fail.Exception(StrataError.MalformedXML);
            await xml.ReadAsync();
            while (await xml.MoveToContentAsync() != XmlNodeType.EndElement)
            {
                if (xml.NodeType != XmlNodeType.Element) throw S3Fail.Exception(StrataError.MalformedXML);
                switch (xml.LocalName)
                {
                    case "Quiet":
                        quiet = bool.TryParse(await xml.ReadElementContentAsStringAsync(), out var q) ? q : throw S3Fail.Exception(StrataError.MalformedXML);
                        break;
                    case "Object":
                        entries.Add(await ReadObjectAsync(xml));
                        if (entries.Count > MaxObjects) throw S3Fail.Exception(StrataError.MalformedXML);
                        break;
                    default:
                        await xml.SkipAsync();
                        break;
                }
            }
        }
        catch (XmlException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
        if (entries.Count == 0) throw S3Fail.Exception(StrataError.MalformedXML);
        return (quiet, entries);
    }

    private static async Task<DeleteEntry> ReadObjectAsync(XmlReader xml)
    {
        string? key = null, versionId = null, etag = null;
        if (xml.IsEmptyElement) throw S3Fail.Exception(StrataError.MalformedXML);
        await xml.ReadAsync();
        while (await xml.MoveToContentAsync() != XmlNodeType.EndElement)
        {
            if (xml.NodeType == XmlNodeType.None) throw S3Fail.Exception(StrataError.MalformedXML); // the document ended inside <Object>
            switch (xml.LocalName)
            {
                case "Key":
                    key = await xml.ReadElementContentAsStringAsync();
                    break;
                case "VersionId":
                    versionId = await xml.ReadElementContentAsStringAsync();
                    break;
                case "ETag":
                    etag = await xml.ReadElementContentAsStringAsync();
                    break;
                default:
                    await xml.SkipAsync();
                    break;
            }
        }
        await xml.ReadAsync();
        return new DeleteEntry(key ?? throw S3Fail.Exception(StrataError.MalformedXML), versionId, etag);
    }
}

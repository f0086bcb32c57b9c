using System.Globalization;
using System.Xml;
using Strata.Core;
using Strata.Engine.Multipart;
using Strata.Engine.Objects;
using Strata.Server.Body;

namespace Strata.Server.Xml;

/// <summary>
/// Reads &lt;CompleteMultipartUpload&gt;&lt;Part&gt;&lt;PartNumber/&gt;&lt;ETag/&gt;&lt;ChecksumCRC32/&gt;…&lt;/Part&gt;…;
/// S3 wants parts in ascending order.
/// </summary>
internal static class CompleteRequestReader
{
    public static async Task<List<CompletedPart>> ReadAsync(Stream body)
    {
        var parts = new List<CompletedPart>();
        try
        {
            using var xml = S3Xml.CreateReader(body);
            await xml.MoveToContentAsync();
            if (xml.LocalName != "CompleteMultipartUpload" || xml.IsEmptyElement) throw S3Fail.Exception(StrataError.MalformedXML);
            await xml.ReadAsync();
            while (await xml.MoveToContentAsync() == XmlNodeType.Element)
            {
                if (xml.LocalName != "Part" || xml.IsEmptyElement)
                {
                    await xml.SkipAsync();
                    continue;
                }
                int? number = null;
                string? etag = null;
                Checksum? checksum = null;
                await xml.ReadAsync();
                while (await xml.MoveToContentAsync() == XmlNodeType.Element)
                {
                    switch (xml.LocalName)
                    {
                        case "PartNumber":
                            number = int.TryParse(await xml.ReadElementContentAsStringAsync(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                                ? n : throw S3Fail.Exception(StrataError.MalformedXML);
                            break;
                        case "ETag":
                            etag = await xml.ReadElementContentAsStringAsync();
                            break;
                        case var name when name.StartsWith("Checksum", StringComparison.Ordinal)
                            && PayloadChecksum.TryParseName(name["Checksum".Length..], out var algorithm):
                            checksum = new Checksum(PayloadChecksum.Name(algorithm), (await xml.ReadElementContentAsStringAsync()).Trim());
                            break;
                        default:
                            await xml.SkipAsync();
                            break;
                    }
                }
                await xml.ReadAsync();
                if (number is null || etag is null) throw S3Fail.Exception(StrataError.MalformedXML);
                if (parts.Count > 0 && number < parts[^1].PartNumber)
                {
                    throw S3Fail.Exception(StrataError.InvalidPartOrder, "The list of parts was not in ascending order. The parts list must be specified in order by part number.");
                }
                // S3: a part number listed twice in a row names the part by its later entry (a client that
                // uploaded a part again lists both answers; the later ETag is the part that counts).
                if (parts.Count > 0 && number == parts[^1].PartNumber) parts[^1] = new CompletedPart(number.Value, etag, checksum);
                else parts.Add(new CompletedPart(number.Value, etag, checksum));
                if (parts.Count > MultipartLimits.MaxPartNumber) throw S3Fail.Exception(StrataError.MalformedXML);
            }
        }
        catch (XmlException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
        if (parts.Count == 0) throw S3Fail.Exception(StrataError.MalformedXML, "You must specify at least one part");
        return parts;
    }
}

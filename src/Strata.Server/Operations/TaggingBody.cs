using Strata.Core;
using Strata.Core.Tagging;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>The Tagging document of PutObjectTagging and PutBucketTagging, read whole (it is small and capped) and checked.</summary>
internal static class TaggingBody
{
    private const string TooLarge = "The Tagging document must be at most 256 KB.";

    /// <summary>
    /// S3 requires an integrity check of these bodies, Content-MD5 or an x-amz-checksum-* value (the SDKs send one);
    /// a wrong one is BadDigest. Then MalformedXML, then the tags' own rules (InvalidTag).
    /// </summary>
    public static async Task<TagSet> ReadAsync(S3Context ctx, TagSetKind kind)
    {
        var text = await RequestDocument.ReadAsync(ctx, TaggingReader.MaxBytes, TooLarge);
        return TaggingReader.Read(text, kind);
    }
}

namespace Strata.Core;

public static class ETag
{
    /// <summary>S3's ETag of a single-part object: the quoted lowercase hex MD5 of its bytes.</summary>
    public static string FromMd5(ReadOnlySpan<byte> md5) => "\"" + Convert.ToHexStringLower(md5) + "\"";
}

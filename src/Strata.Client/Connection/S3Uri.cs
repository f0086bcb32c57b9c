namespace Strata.Client.Connection;

/// <summary>
/// A target written as awscli users write it: <c>s3://bucket/prefix</c>. The prefix is literal, as in
/// ListObjectVersions: <c>s3://media/photos</c> also covers <c>photos2/</c>; end it with "/" for a folder.
/// </summary>
/// <param name="Bucket">The bucket name.</param>
/// <param name="Prefix">The key prefix, possibly empty (the whole bucket) or a whole key.</param>
public sealed record S3Uri(string Bucket, string Prefix)
{
    /// <summary>Parses <c>s3://bucket[/prefix]</c>; the error says what is wrong in plain words.</summary>
    public static bool TryParse(string? text, out S3Uri uri, out string error)
    {
        uri = new S3Uri("", "");
        error = "";
        const string scheme = "s3://";
        if (text is null || !text.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            error = $"'{text}' is not an S3 target: write it as s3://bucket/prefix.";
            return false;
        }
        var rest = text[scheme.Length..];
        var slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        if (bucket.Length == 0)
        {
            error = $"'{text}' names no bucket: write it as s3://bucket/prefix.";
            return false;
        }
        uri = new S3Uri(bucket, slash < 0 ? "" : rest[(slash + 1)..]);
        return true;
    }

    /// <summary>Parses <c>s3://bucket[/prefix]</c> or throws <see cref="FormatException"/> with a plain message.</summary>
    public static S3Uri Parse(string text) => TryParse(text, out var uri, out var error) ? uri : throw new FormatException(error);

    /// <summary>The key this target gives to <paramref name="sourceKey"/> found under <paramref name="sourcePrefix"/>.</summary>
    public string KeyFor(string sourceKey, string sourcePrefix) => Prefix + sourceKey[sourcePrefix.Length..];

    /// <summary>True when the two targets are in the same bucket and one prefix contains the other.</summary>
    public bool Overlaps(S3Uri other) =>
        Bucket == other.Bucket && (Prefix.StartsWith(other.Prefix, StringComparison.Ordinal) || other.Prefix.StartsWith(Prefix, StringComparison.Ordinal));

    /// <inheritdoc />
    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}

using System.Globalization;
using System.Text;

namespace Strata.Core.Tagging;

/// <summary>One tag: a key and its value (possibly empty).</summary>
public readonly record struct Tag(string Key, string Value);

/// <summary>Where a tag set is going: the limit on its size and the error code S3 answers when it is exceeded.</summary>
public enum TagSetKind
{
    /// <summary>PutObjectTagging's body or a POST form's tagging field: at most 10 tags, InvalidTag beyond.</summary>
    Object,

    /// <summary>x-amz-tagging on PutObject, CopyObject, CreateMultipartUpload: at most 10 tags, BadRequest beyond.</summary>
    ObjectHeader,

    /// <summary>PutBucketTagging: at most 50 tags.</summary>
    Bucket,
}

/// <summary>
/// A validated set of tags, kept in key order (ordinal), as S3 lists them back (ceph/s3-tests' test_put_obj_with_tags). S3 "Categorizing your storage using tags": up to
/// 10 tags per object (50 per bucket), unique keys, a key up to 128 and a value up to 256 Unicode characters
/// (counted in UTF-16, as S3 represents tags internally), letters, numbers, spaces and + - = . _ : / @ only;
/// keys starting "aws:" are the system's.
/// </summary>
public sealed class TagSet
{
    public const int MaxObjectTags = 10;
    public const int MaxBucketTags = 50;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;

    public static readonly TagSet Empty = new([]);

    private readonly Tag[] _tags;

    private TagSet(Tag[] tags) => _tags = tags;

    public IReadOnlyList<Tag> Tags => _tags;

    public int Count => _tags.Length;

    public bool IsEmpty => _tags.Length == 0;

    /// <summary>The tags as key-value pairs, the form lifecycle filters match against.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AsPairs()
    {
        if (_tags.Length == 0) return [];
        var pairs = new KeyValuePair<string, string>[_tags.Length];
        for (var i = 0; i < pairs.Length; i++) pairs[i] = new(_tags[i].Key, _tags[i].Value);
        return pairs;
    }

    /// <summary>The tag's value, or null when the set has no tag with this key (keys compare case-sensitively).</summary>
    public string? Get(string key)
    {
        foreach (var tag in _tags)
        {
            if (string.Equals(tag.Key, key, StringComparison.Ordinal)) return tag.Value;
        }
        return null;
    }

    /// <summary>Validates tags a client sent; InvalidTag (or BadRequest for too many in a header) says what is wrong.</summary>
    public static TagSet Create(IReadOnlyList<Tag> tags, TagSetKind kind)
    {
        ArgumentNullException.ThrowIfNull(tags);
        var max = kind == TagSetKind.Bucket ? MaxBucketTags : MaxObjectTags;
        if (tags.Count > max)
        {
            var error = kind == TagSetKind.ObjectHeader ? StrataError.BadRequest : StrataError.InvalidTag;
            S3Fail.With(error, kind == TagSetKind.Bucket ? $"Bucket tag count cannot be greater than {max}" : $"Object tags cannot be greater than {max}");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in tags)
        {
            if (key.Length > MaxKeyLength) S3Fail.With(StrataError.InvalidTag, $"The TagKey you have provided is too long, max {MaxKeyLength}");
            if (value.Length > MaxValueLength) S3Fail.With(StrataError.InvalidTag, $"The TagValue you have provided is too long, max {MaxValueLength}");
            if (key.Length == 0 || !AllowedCharacters(key)) S3Fail.With(StrataError.InvalidTag, "The TagKey you have provided is invalid");
            if (!AllowedCharacters(value)) S3Fail.With(StrataError.InvalidTag, "The TagValue you have provided is invalid");
            if (key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)) S3Fail.With(StrataError.InvalidTag, "System tags cannot be added/updated by requester");
            if (!seen.Add(key)) S3Fail.With(StrataError.InvalidTag, "Cannot provide multiple Tags with the same key");
        }
        if (tags.Count == 0) return Empty;
        Tag[] sorted = [.. tags];
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new TagSet(sorted);
    }

    /// <summary>
    /// The x-amz-tagging header: URL query parameters ("a=1&amp;b", a key without '=' has the empty value), UTF-8 then
    /// percent-encoded. Malformed encoding or a repeated key is InvalidArgument, as S3 answers; then <see cref="Create"/>.
    /// </summary>
    public static TagSet ParseHeader(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var tags = ParseQueryForm(header) ?? throw S3Fail.Exception(StrataError.InvalidArgument, HeaderMessage);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            if (!seen.Add(tag.Key)) S3Fail.With(StrataError.InvalidArgument, HeaderMessage);
        }
        return Create(tags, TagSetKind.ObjectHeader);
    }

    private const string HeaderMessage =
        "The header 'x-amz-tagging' shall be encoded as UTF-8 then URLEncoded URL query parameters without tag name duplicates.";

    /// <summary>The compact stored form: the header's query form, every key and value percent-encoded; null for no tags.</summary>
    public string? Serialize()
    {
        if (_tags.Length == 0) return null;
        var text = new StringBuilder();
        foreach (var (key, value) in _tags)
        {
            if (text.Length > 0) text.Append('&');
            text.Append(Uri.EscapeDataString(key)).Append('=').Append(Uri.EscapeDataString(value));
        }
        return text.ToString();
    }

    /// <summary>Reads the stored form (validated when it was stored, so not again).</summary>
    public static TagSet Deserialize(string? stored)
    {
        if (string.IsNullOrEmpty(stored)) return Empty;
        var tags = ParseQueryForm(stored) ?? throw new FormatException("A stored tag set is damaged.");
        return new TagSet([.. tags]);
    }

    /// <summary>"k=v&amp;k2" into tags; null when a percent-escape is malformed or the bytes are not UTF-8.</summary>
    private static List<Tag>? ParseQueryForm(string text)
    {
        var tags = new List<Tag>();
        foreach (var pair in text.Split('&'))
        {
            if (pair.Length == 0) continue;
            var equals = pair.IndexOf('=');
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? "" : Decode(pair[(equals + 1)..]);
            if (key is null || value is null) return null;
            tags.Add(new Tag(key, value));
        }
        return tags;
    }

    private static string? Decode(string encoded)
    {
        if (encoded.IndexOf('%') < 0 && encoded.IndexOf('+') < 0) return encoded;
        var bytes = new List<byte>(encoded.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < encoded.Length; i++)
        {
            var c = encoded[i];
            if (c == '%')
            {
                if (i + 2 >= encoded.Length || !byte.TryParse(encoded.AsSpan(i + 1, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var b)) return null;
                bytes.Add(b);
                i += 2;
            }
            else if (c == '+')
            {
                bytes.Add((byte)' ');
            }
            else
            {
                var length = char.IsHighSurrogate(c) && i + 1 < encoded.Length ? 2 : 1;
                if (!Encoding.UTF8.TryGetBytes(encoded.AsSpan(i, length), utf8, out var written)) return null;
                for (var j = 0; j < written; j++) bytes.Add(utf8[j]);
                i += length - 1;
            }
        }
        try
        {
            return ObjectKey.StrictUtf8.GetString([.. bytes]);
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>AWS tag restrictions: Unicode letters, numbers and spaces, and + - = . _ : / @.</summary>
    private static bool AllowedCharacters(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '+' or '-' or '=' or '.' or '_' or ':' or '/' or '@') continue;
            var category = CharUnicodeInfo.GetUnicodeCategory(text, i);
            if (char.IsHighSurrogate(c)) i++;
            switch (category)
            {
                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                    or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter:
                case UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber:
                case UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator:
                    continue;
                default:
                    return false;
            }
        }
        return true;
    }
}

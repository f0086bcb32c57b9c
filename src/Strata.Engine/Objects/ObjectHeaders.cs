using System.Text;

namespace Strata.Engine.Objects;

/// <summary>
/// The headers an object keeps and returns: Content-Type, Content-Disposition, Content-Encoding,
/// Content-Language, Cache-Control, Expires and x-amz-meta-*. Stored as "name:value" lines
/// (HTTP header values cannot contain a line break).
/// </summary>
public sealed class ObjectHeaders
{
    public static readonly ObjectHeaders Empty = new([]);

    /// <summary>The standard headers an object keeps, in the order they are returned.</summary>
    public static readonly string[] Kept =
        ["Content-Type", "Content-Disposition", "Content-Encoding", "Content-Language", "Cache-Control", "Expires"];

    public const string MetaPrefix = "x-amz-meta-";

    public ObjectHeaders(IReadOnlyList<KeyValuePair<string, string>> entries) => Entries = entries;

    public IReadOnlyList<KeyValuePair<string, string>> Entries { get; }

    public string? Get(string name)
    {
        foreach (var (k, v) in Entries)
        {
            if (string.Equals(k, name, StringComparison.OrdinalIgnoreCase)) return v;
        }
        return null;
    }

    public string? ContentType => Get("Content-Type");

    public string Serialize()
    {
        var text = new StringBuilder();
        foreach (var (k, v) in Entries) text.Append(k).Append(':').Append(v).Append('\n');
        return text.ToString();
    }

    public static ObjectHeaders Deserialize(string text)
    {
        if (text.Length == 0) return Empty;
        var entries = new List<KeyValuePair<string, string>>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':');
            entries.Add(new(line[..colon], line[(colon + 1)..]));
        }
        return new ObjectHeaders(entries);
    }
}

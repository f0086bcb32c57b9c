using System.Globalization;
using System.Xml;
using Strata.Core;
using Strata.Core.ObjectLock;
using static Strata.Server.Xml.S3Xml;

namespace Strata.Server.Xml;

/// <summary>
/// The three small Object Lock documents: ObjectLockConfiguration (PutObjectLockConfiguration), Retention
/// (PutObjectRetention) and LegalHold (PutObjectLegalHold). Read strictly, as S3 does: an unknown or repeated element,
/// a misspelt value ("governance", "Disabled", "abc") or Days with Years is MalformedXML; DTDs are refused.
/// </summary>
internal static class ObjectLockXml
{
    /// <summary>Each document is a few hundred bytes; this bounds what is read.</summary>
    public const int MaxBytes = 16 * 1024;

    private static readonly XmlReaderSettings Settings = S3Xml.DocumentSettings(MaxBytes, ignoreWhitespace: true);

    public static ObjectLockConfiguration ReadConfiguration(string document)
    {
        var root = Read(document, "ObjectLockConfiguration");
        // S3: Object Lock can only be Enabled; there is no way to turn it off.
        if (Single(root, "ObjectLockEnabled") is not { Children: null, Text: "Enabled" }) throw Malformed();
        Only(root, "ObjectLockEnabled", "Rule");
        if (Optional(root, "Rule") is not { } rule) return ObjectLockConfiguration.Enabled;
        Only(rule, "DefaultRetention");
        var retention = Single(rule, "DefaultRetention");
        Only(retention, "Mode", "Days", "Years");
        if (!ObjectLockModes.TryParse(Single(retention, "Mode").Text, out var mode)) throw Malformed();
        var days = Optional(retention, "Days");
        var years = Optional(retention, "Years");
        // S3: a period of Days or Years, never both, never neither.
        if ((days is null) == (years is null)) throw Malformed();
        var period = Period(days ?? years!, days is not null ? ObjectLockConfiguration.MaxDays : ObjectLockConfiguration.MaxYears);
        return new ObjectLockConfiguration(days is not null ? new DefaultRetention(mode, period, null) : new DefaultRetention(mode, null, period));
    }

    /// <summary>A Retention document; null when it is empty (&lt;Retention/&gt;), which asks to remove the retention.</summary>
    public static ObjectRetention? ReadRetention(string document)
    {
        var root = Read(document, "Retention");
        Only(root, "Mode", "RetainUntilDate");
        var modeNode = Optional(root, "Mode");
        var dateNode = Optional(root, "RetainUntilDate");
        if (modeNode is null && dateNode is null) return null;
        if (modeNode is null || dateNode is null || !ObjectLockModes.TryParse(modeNode.Text, out var mode)) throw Malformed();
        if (!TryParseDate(dateNode.Text, out var until)) throw Malformed();
        return new ObjectRetention(mode, until);
    }

    /// <summary>A LegalHold document: true for Status ON, false for OFF.</summary>
    public static bool ReadLegalHold(string document)
    {
        var root = Read(document, "LegalHold");
        Only(root, "Status");
        return Single(root, "Status").Text switch
        {
            "ON" => true,
            "OFF" => false,
            _ => throw Malformed(),
        };
    }

    /// <summary>An ISO 8601 date and time, as the SDKs send it ("2030-01-01T00:00:00Z", with or without fractions).</summary>
    public static bool TryParseDate(string? text, out DateTimeOffset value) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out value)
        && text!.Contains('T', StringComparison.Ordinal);

    public static async Task WriteConfigurationAsync(XmlWriter xml, ObjectLockConfiguration configuration)
    {
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "ObjectLockConfiguration", S3Xml.Namespace);
        await xml.ElementAsync("ObjectLockEnabled", "Enabled");
        if (configuration.Rule is { } rule)
        {
            await xml.WriteStartElementAsync(null, "Rule", null);
            await xml.WriteStartElementAsync(null, "DefaultRetention", null);
            await xml.ElementAsync("Mode", ObjectLockModes.Name(rule.Mode));
            if (rule.Days is { } days) await xml.ElementAsync("Days", days.ToString(CultureInfo.InvariantCulture));
            if (rule.Years is { } years) await xml.ElementAsync("Years", years.ToString(CultureInfo.InvariantCulture));
            await xml.WriteEndElementAsync();
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task WriteRetentionAsync(XmlWriter xml, ObjectRetention retention)
    {
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "Retention", S3Xml.Namespace);
        await xml.ElementAsync("Mode", ObjectLockModes.Name(retention.Mode));
        await xml.ElementAsync("RetainUntilDate", S3Xml.Timestamp(retention.RetainUntil));
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    public static async Task WriteLegalHoldAsync(XmlWriter xml, bool on)
    {
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "LegalHold", S3Xml.Namespace);
        await xml.ElementAsync("Status", on ? "ON" : "OFF");
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    /// <summary>An element: its text when it has no child elements, else its children in order.</summary>
    private sealed record Node(string Name, string? Text, List<Node>? Children);

    private static Node Read(string document, string rootName)
    {
        try
        {
            using var xml = XmlReader.Create(new StringReader(document), Settings);
            if (xml.MoveToContent() != XmlNodeType.Element || xml.LocalName != rootName) throw Malformed();
            var root = ReadNode(xml, depth: 0);
            if (xml.Read() && xml.MoveToContent() != XmlNodeType.None) throw Malformed();
            return root with { Children = root.Children ?? [] };
        }
        catch (XmlException)
        {
            throw Malformed();
        }
    }

    // Positioned on a start element; returns after its end. Four levels are the deepest document (Rule/DefaultRetention/Days).
    private static Node ReadNode(XmlReader xml, int depth)
    {
        if (depth > 4) throw Malformed();
        var name = xml.LocalName;
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return new Node(name, "", null);
        }
        xml.Read();
        string? text = null;
        List<Node>? children = null;
        while (xml.NodeType != XmlNodeType.EndElement)
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.Text or XmlNodeType.CDATA:
                    if (children is not null || text is not null) throw Malformed();
                    text = xml.Value;
                    xml.Read();
                    break;
                case XmlNodeType.Element:
                    if (text is not null) throw Malformed();
                    (children ??= []).Add(ReadNode(xml, depth + 1));
                    break;
                default:
                    throw Malformed();
            }
        }
        xml.Read();
        return new Node(name, children is null ? text ?? "" : null, children);
    }

    private static void Only(Node parent, params string[] allowed)
    {
        foreach (var child in parent.Children ?? throw Malformed())
        {
            if (Array.IndexOf(allowed, child.Name) < 0) throw Malformed();
        }
    }

    private static Node? Optional(Node parent, string name)
    {
        Node? found = null;
        foreach (var child in parent.Children ?? throw Malformed())
        {
            if (child.Name != name) continue;
            if (found is not null) throw Malformed();
            found = child;
        }
        return found;
    }

    private static Node Single(Node parent, string name) => Optional(parent, name) ?? throw Malformed();

    // S3: a period that is not a positive whole number of days or years (or absurdly long) is InvalidRetentionPeriod.
    private static int Period(Node node, int max)
    {
        if (node.Text is null || !long.TryParse(node.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)) throw Malformed();
        if (value <= 0 || value > max) throw S3Fail.Exception(StrataError.InvalidRetentionPeriod);
        return (int)value;
    }
}

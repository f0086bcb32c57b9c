using System.Globalization;
using System.Text;
using System.Xml;
using Strata.Core.Lifecycle;

namespace Strata.Server.Xml;

/// <summary>
/// Writes a lifecycle configuration as GetBucketLifecycleConfiguration returns it: each rule's elements in S3's
/// order (Expiration, ID, Filter or the legacy Prefix, Status, NoncurrentVersionExpiration, AbortIncompleteMultipartUpload),
/// the filter in the form it was sent. The engine stores this form, without the XML declaration.
/// </summary>
internal static class LifecycleConfigurationWriter
{
    private static readonly XmlWriterSettings Settings = new() { OmitXmlDeclaration = true, Indent = false, NewLineHandling = NewLineHandling.Entitize };

    public const string Declaration = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";

    public static string Write(LifecycleConfiguration configuration)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, Settings))
        {
            xml.WriteStartElement(null, "LifecycleConfiguration", S3Xml.Namespace);
            foreach (var rule in configuration.Rules) WriteRule(xml, rule);
            xml.WriteEndElement();
        }
        return text.ToString();
    }

    private static void WriteRule(XmlWriter xml, LifecycleRule rule)
    {
        xml.WriteStartElement("Rule", S3Xml.Namespace);
        if (rule.HasExpiration)
        {
            xml.WriteStartElement("Expiration", S3Xml.Namespace);
            if (rule.ExpirationDate is { } date) Value(xml, "Date", date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            if (rule.ExpirationDays is { } days) Value(xml, "Days", Number(days));
            if (rule.ExpiredObjectDeleteMarker is { } marker) Value(xml, "ExpiredObjectDeleteMarker", marker ? "true" : "false");
            xml.WriteEndElement();
        }
        Value(xml, "ID", rule.Id);
        WriteFilter(xml, rule.Filter);
        Value(xml, "Status", rule.Enabled ? "Enabled" : "Disabled");
        if (rule.NoncurrentDays is { } noncurrentDays)
        {
            xml.WriteStartElement("NoncurrentVersionExpiration", S3Xml.Namespace);
            Value(xml, "NoncurrentDays", Number(noncurrentDays));
            if (rule.NewerNoncurrentVersions is { } newer) Value(xml, "NewerNoncurrentVersions", Number(newer));
            xml.WriteEndElement();
        }
        if (rule.AbortDaysAfterInitiation is { } abort)
        {
            xml.WriteStartElement("AbortIncompleteMultipartUpload", S3Xml.Namespace);
            Value(xml, "DaysAfterInitiation", Number(abort));
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void WriteFilter(XmlWriter xml, LifecycleFilter filter)
    {
        if (filter.Form == LifecycleFilterForm.LegacyPrefix)
        {
            Value(xml, "Prefix", filter.Prefix);
            return;
        }
        xml.WriteStartElement("Filter", S3Xml.Namespace);
        switch (filter.Form)
        {
            case LifecycleFilterForm.Prefix:
                Value(xml, "Prefix", filter.Prefix);
                break;
            case LifecycleFilterForm.Tag:
                WriteTags(xml, filter.Tags);
                break;
            case LifecycleFilterForm.ObjectSizeGreaterThan:
                Value(xml, "ObjectSizeGreaterThan", Number(filter.ObjectSizeGreaterThan!.Value));
                break;
            case LifecycleFilterForm.ObjectSizeLessThan:
                Value(xml, "ObjectSizeLessThan", Number(filter.ObjectSizeLessThan!.Value));
                break;
            case LifecycleFilterForm.And:
                xml.WriteStartElement("And", S3Xml.Namespace);
                if (filter.Prefix.Length > 0) Value(xml, "Prefix", filter.Prefix);
                WriteTags(xml, filter.Tags);
                if (filter.ObjectSizeGreaterThan is { } above) Value(xml, "ObjectSizeGreaterThan", Number(above));
                if (filter.ObjectSizeLessThan is { } below) Value(xml, "ObjectSizeLessThan", Number(below));
                xml.WriteEndElement();
                break;
        }
        xml.WriteEndElement();
    }

    private static void WriteTags(XmlWriter xml, IReadOnlyList<KeyValuePair<string, string>> tags)
    {
        foreach (var (key, value) in tags)
        {
            xml.WriteStartElement("Tag", S3Xml.Namespace);
            Value(xml, "Key", key);
            Value(xml, "Value", value);
            xml.WriteEndElement();
        }
    }

    private static void Value(XmlWriter xml, string name, string value) => xml.WriteElementString(name, S3Xml.Namespace, value);

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

using System.Globalization;
using System.Text;
using System.Xml;
using Strata.Core.Replication;

namespace Strata.Server.Xml;

/// <summary>Writes a replication configuration as GetBucketReplication returns it, each rule's filter in the form it was sent.</summary>
internal static class ReplicationConfigurationWriter
{
    private static readonly XmlWriterSettings Settings = new() { OmitXmlDeclaration = false, Indent = false, NewLineHandling = NewLineHandling.Entitize };

    public static string Write(ReplicationConfiguration configuration)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(new Utf8StringWriter(text), Settings))
        {
            xml.WriteStartElement(null, "ReplicationConfiguration", S3Xml.Namespace);
            if (configuration.Role is not null) Value(xml, "Role", configuration.Role);
            foreach (var rule in configuration.Rules) WriteRule(xml, rule);
            xml.WriteEndElement();
        }
        return text.ToString();
    }

    private static void WriteRule(XmlWriter xml, ReplicationRule rule)
    {
        xml.WriteStartElement("Rule", S3Xml.Namespace);
        Value(xml, "ID", rule.Id);
        if (rule.Priority is { } priority) Value(xml, "Priority", priority.ToString(CultureInfo.InvariantCulture));
        var filter = rule.Filter;
        if (filter.Form == ReplicationFilterForm.LegacyPrefix)
        {
            Value(xml, "Prefix", filter.Prefix);
        }
        else
        {
            xml.WriteStartElement("Filter", S3Xml.Namespace);
            switch (filter.Form)
            {
                case ReplicationFilterForm.Prefix:
                    Value(xml, "Prefix", filter.Prefix);
                    break;
                case ReplicationFilterForm.Tag:
                    WriteTags(xml, filter);
                    break;
                case ReplicationFilterForm.And:
                    xml.WriteStartElement("And", S3Xml.Namespace);
                    if (filter.Prefix.Length > 0) Value(xml, "Prefix", filter.Prefix);
                    WriteTags(xml, filter);
                    xml.WriteEndElement();
                    break;
            }
            xml.WriteEndElement();
        }
        Value(xml, "Status", rule.Enabled ? "Enabled" : "Disabled");
        if (rule.DeleteMarkerReplication is { } markers)
        {
            xml.WriteStartElement("DeleteMarkerReplication", S3Xml.Namespace);
            Value(xml, "Status", markers ? "Enabled" : "Disabled");
            xml.WriteEndElement();
        }
        xml.WriteStartElement("Destination", S3Xml.Namespace);
        Value(xml, "Bucket", rule.Destination.Arn);
        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    private static void WriteTags(XmlWriter xml, ReplicationFilter filter)
    {
        foreach (var (key, value) in filter.Tags)
        {
            xml.WriteStartElement("Tag", S3Xml.Namespace);
            Value(xml, "Key", key);
            Value(xml, "Value", value);
            xml.WriteEndElement();
        }
    }

    private static void Value(XmlWriter xml, string name, string value) => xml.WriteElementString(name, S3Xml.Namespace, value);

    private sealed class Utf8StringWriter(StringBuilder text) : StringWriter(text, CultureInfo.InvariantCulture)
    {
        public override Encoding Encoding => Encoding.UTF8;
    }
}

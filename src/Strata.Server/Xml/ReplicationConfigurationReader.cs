using System.Globalization;
using System.Xml;
using Strata.Core;
using Strata.Core.Replication;
using Strata.Core.Tagging;
using static Strata.Server.Xml.S3Xml;

namespace Strata.Server.Xml;

/// <summary>
/// Reads &lt;ReplicationConfiguration&gt;&lt;Role/&gt;&lt;Rule&gt;…&lt;/Rule&gt;…&lt;/ReplicationConfiguration&gt; strictly: an
/// unknown or repeated element, a Status other than Enabled or Disabled, a Priority that is not a number, a Filter with more
/// than one condition outside And, a missing Destination are MalformedXML. Role is kept and ignored (Strata has no IAM
/// roles); a rule without an ID gets one, as S3 gives it. Destination settings Strata has no use for (StorageClass, Account,
/// AccessControlTranslation, EncryptionConfiguration, ReplicationTime, Metrics) and SourceSelectionCriteria /
/// ExistingObjectReplication are accepted and ignored.
/// </summary>
internal static class ReplicationConfigurationReader
{
    public const int MaxBytes = 1024 * 1024;

    private static readonly XmlReaderSettings Settings = S3Xml.DocumentSettings(8 * MaxBytes);

    public static ReplicationConfiguration Read(string document)
    {
        var rules = new List<ReplicationRule>();
        string? role = null;
        try
        {
            using var xml = XmlReader.Create(new StringReader(document), Settings);
            if (xml.MoveToContent() != XmlNodeType.Element || xml.LocalName != "ReplicationConfiguration" || !IsS3(xml) || xml.IsEmptyElement) throw Malformed();
            xml.Read();
            while (xml.MoveToContent() != XmlNodeType.EndElement)
            {
                if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
                if (xml.LocalName == "Role" && role is null) role = xml.ReadElementContentAsString();
                else if (xml.LocalName == "Rule") rules.Add(ReadRule(xml));
                else throw Malformed();
                if (rules.Count > ReplicationConfiguration.MaxRules) S3Fail.With(StrataError.InvalidRequest, "A replication configuration holds at most 1000 rules.");
            }
            xml.Read();
            if (xml.MoveToContent() != XmlNodeType.None) throw Malformed();
        }
        catch (XmlException)
        {
            throw Malformed();
        }
        return ReplicationConfiguration.Create(role, rules);
    }

    private static ReplicationRule ReadRule(XmlReader xml)
    {
        if (xml.IsEmptyElement) throw Malformed();
        string? id = null, status = null, legacyPrefix = null, destination = null, priority = null, markers = null;
        ReplicationFilter? filter = null;
        xml.Read();
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
            switch (xml.LocalName)
            {
                case "ID" when id is null: id = xml.ReadElementContentAsString(); break;
                case "Priority" when priority is null: priority = xml.ReadElementContentAsString(); break;
                case "Status" when status is null: status = xml.ReadElementContentAsString(); break;
                case "Prefix" when legacyPrefix is null: legacyPrefix = xml.ReadElementContentAsString(); break;
                case "Filter" when filter is null: filter = ReadFilter(xml); break;
                case "DeleteMarkerReplication" when markers is null:
                    ReadChildren(xml, (name, value) => name == "Status" && markers is null && (markers = value) is not null);
                    markers ??= "";
                    break;
                case "Destination" when destination is null:
                    ReadChildren(xml, (name, value) => name == "Bucket" && destination is null && (destination = value) is not null, skip: name => name != "Bucket");
                    destination ??= "";
                    break;
                case "SourceSelectionCriteria" or "ExistingObjectReplication":
                    xml.Skip();
                    break;
                default:
                    throw Malformed();
            }
        }
        xml.Read();
        if (status is not ("Enabled" or "Disabled") || string.IsNullOrEmpty(destination)) throw Malformed();
        if (filter is not null && legacyPrefix is not null) throw Malformed();
        if (markers is not (null or "Enabled" or "Disabled")) throw Malformed();
        if (!ReplicationDestination.TryParse(destination.Trim(), out var target))
        {
            S3Fail.With(StrataError.InvalidArgument, "Invalid destination bucket: use arn:aws:s3:::BUCKET (this server) or arn:strata:remote:NAME:BUCKET (a remote target).");
        }
        int? number = null;
        if (priority is not null)
        {
            number = int.TryParse(priority.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var p) ? p : throw Malformed();
        }
        return new ReplicationRule
        {
            Id = id ?? GeneratedRuleId(),
            Priority = number,
            Enabled = status == "Enabled",
            Filter = filter ?? new ReplicationFilter(ReplicationFilterForm.LegacyPrefix, legacyPrefix ?? "", []),
            DeleteMarkerReplication = markers is null ? null : markers == "Enabled",
            Destination = target,
        };
    }

    // <Filter/>, or one of Prefix, Tag, or And holding a Prefix and Tags.
    private static ReplicationFilter ReadFilter(XmlReader xml)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return ReplicationFilter.Everything;
        }
        xml.Read();
        ReplicationFilter? filter = null;
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml) || filter is not null) throw Malformed();
            switch (xml.LocalName)
            {
                case "Prefix":
                    filter = new ReplicationFilter(ReplicationFilterForm.Prefix, xml.ReadElementContentAsString(), []);
                    break;
                case "Tag":
                    filter = new ReplicationFilter(ReplicationFilterForm.Tag, "", [ReadTag(xml)]);
                    break;
                case "And":
                    filter = ReadAnd(xml);
                    break;
                default:
                    throw Malformed();
            }
        }
        xml.Read();
        return filter ?? ReplicationFilter.Everything;
    }

    private static ReplicationFilter ReadAnd(XmlReader xml)
    {
        if (xml.IsEmptyElement) throw Malformed();
        string? prefix = null;
        var tags = new List<Tag>();
        xml.Read();
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
            if (xml.LocalName == "Prefix" && prefix is null) prefix = xml.ReadElementContentAsString();
            else if (xml.LocalName == "Tag") tags.Add(ReadTag(xml));
            else throw Malformed();
        }
        xml.Read();
        return new ReplicationFilter(ReplicationFilterForm.And, prefix ?? "", tags);
    }

    private static Tag ReadTag(XmlReader xml)
    {
        string? key = null, value = null;
        ReadChildren(xml, (name, text) =>
        {
            switch (name)
            {
                case "Key" when key is null: key = text; return true;
                case "Value" when value is null: value = text; return true;
                default: return false;
            }
        });
        if (key is null || value is null) throw Malformed();
        return new Tag(key, value);
    }
}

using System.Globalization;
using System.Xml;
using Strata.Core;
using Strata.Core.Lifecycle;
using static Strata.Server.Xml.S3Xml;

namespace Strata.Server.Xml;

/// <summary>
/// Reads &lt;LifecycleConfiguration&gt;&lt;Rule&gt;…&lt;/Rule&gt;…&lt;/LifecycleConfiguration&gt; strictly: an unknown or
/// repeated element, a Status other than Enabled or Disabled, a number or date that does not parse, both a Filter and
/// the legacy Prefix are MalformedXML, as is anything XmlReader refuses (DTDs included). A rule without an ID gets
/// one, as S3 gives it. Transitions are validated and then refused with NotImplemented: Strata has one storage class.
/// The values are validated by <see cref="LifecycleConfiguration.Create"/>.
/// </summary>
internal static class LifecycleConfigurationReader
{
    /// <summary>The largest document accepted: 1,000 rules of a few hundred bytes each fit well inside.</summary>
    public const int MaxBytes = 1024 * 1024;

    // 8x: the stored form (namespace added, characters escaped) reads back too.
    private static readonly XmlReaderSettings Settings = S3Xml.DocumentSettings(8 * MaxBytes);

    public static LifecycleConfiguration Read(string document)
    {
        var rules = new List<LifecycleRule>();
        var transitions = false;
        try
        {
            using var xml = XmlReader.Create(new StringReader(document), Settings);
            if (xml.MoveToContent() != XmlNodeType.Element || xml.LocalName != "LifecycleConfiguration" || !IsS3(xml) || xml.IsEmptyElement) throw Malformed();
            xml.Read();
            while (xml.MoveToContent() != XmlNodeType.EndElement)
            {
                if (xml.NodeType != XmlNodeType.Element || xml.LocalName != "Rule" || !IsS3(xml)) throw Malformed();
                rules.Add(ReadRule(xml, ref transitions));
                if (rules.Count > LifecycleConfiguration.MaxRules) throw Malformed();
            }
            xml.Read();
            if (xml.MoveToContent() != XmlNodeType.None) throw Malformed();
        }
        catch (XmlException)
        {
            throw Malformed();
        }
        // A transition's dates and numbers were checked as they were read (a malformed one is MalformedXML, as in S3).
        if (transitions) S3Fail.With(StrataError.NotImplemented, "Strata has a single storage class: lifecycle transitions are not implemented.");
        return LifecycleConfiguration.Create(rules);
    }

    private static LifecycleRule ReadRule(XmlReader xml, ref bool transitions)
    {
        if (xml.IsEmptyElement) throw Malformed();
        string? id = null, status = null, legacyPrefix = null;
        LifecycleFilter? filter = null;
        int? days = null, noncurrentDays = null, newer = null, abortDays = null;
        DateTimeOffset? date = null;
        bool? marker = null;
        bool expiration = false, noncurrent = false, abort = false;
        xml.Read();
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
            switch (xml.LocalName)
            {
                case "ID" when id is null:
                    id = xml.ReadElementContentAsString();
                    break;
                case "Status" when status is null:
                    status = xml.ReadElementContentAsString();
                    break;
                case "Prefix" when legacyPrefix is null:
                    legacyPrefix = xml.ReadElementContentAsString();
                    break;
                case "Filter" when filter is null:
                    filter = ReadFilter(xml);
                    break;
                case "Expiration" when !expiration:
                    expiration = true;
                    ReadChildren(xml, (name, value) =>
                    {
                        switch (name)
                        {
                            case "Days" when days is null: days = Number(value); return true;
                            case "Date" when date is null: date = Date(value); return true;
                            case "ExpiredObjectDeleteMarker" when marker is null: marker = Boolean(value); return true;
                            default: return false;
                        }
                    });
                    if (days is null && date is null && marker is null) throw Malformed();
                    break;
                case "NoncurrentVersionExpiration" when !noncurrent:
                    noncurrent = true;
                    ReadChildren(xml, (name, value) =>
                    {
                        switch (name)
                        {
                            case "NoncurrentDays" when noncurrentDays is null: noncurrentDays = Number(value); return true;
                            case "NewerNoncurrentVersions" when newer is null: newer = Number(value); return true;
                            default: return false;
                        }
                    });
                    if (noncurrentDays is null) throw Malformed();
                    break;
                case "AbortIncompleteMultipartUpload" when !abort:
                    abort = true;
                    ReadChildren(xml, (name, value) => name == "DaysAfterInitiation" && abortDays is null && (abortDays = Number(value)) is not null);
                    if (abortDays is null) throw Malformed();
                    break;
                case "Transition" or "NoncurrentVersionTransition":
                    transitions = true;
                    ReadChildren(xml, (name, value) =>
                    {
                        switch (name)
                        {
                            case "Date": TransitionDate(value); return true;
                            case "Days" or "NoncurrentDays" or "NewerNoncurrentVersions": Number(value); return true;
                            case "StorageClass": return true;
                            default: return false;
                        }
                    });
                    break;
                default:
                    throw Malformed();
            }
        }
        xml.Read();
        if (status is not ("Enabled" or "Disabled")) throw Malformed();
        if (filter is not null && legacyPrefix is not null) throw Malformed();
        return new LifecycleRule
        {
            Id = id ?? GeneratedRuleId(),
            Enabled = status == "Enabled",
            Filter = filter ?? (legacyPrefix is null ? LifecycleFilter.Everything : new LifecycleFilter(LifecycleFilterForm.LegacyPrefix, legacyPrefix, [], null, null)),
            ExpirationDays = days,
            ExpirationDate = date,
            ExpiredObjectDeleteMarker = marker,
            NoncurrentDays = noncurrentDays,
            NewerNoncurrentVersions = newer,
            AbortDaysAfterInitiation = abortDays,
        };
    }

    // <Filter/>, or one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan, or And holding several of them.
    private static LifecycleFilter ReadFilter(XmlReader xml)
    {
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return LifecycleFilter.Everything;
        }
        xml.Read();
        LifecycleFilter? filter = null;
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml) || filter is not null) throw Malformed();
            if (xml.LocalName == "And")
            {
                filter = ReadConditions(xml, LifecycleFilterForm.And);
                continue;
            }
            var single = ReadCondition(xml, out var form);
            filter = single with { Form = form };
        }
        xml.Read();
        return filter ?? LifecycleFilter.Everything;
    }

    private static LifecycleFilter ReadConditions(XmlReader xml, LifecycleFilterForm form)
    {
        if (xml.IsEmptyElement) throw Malformed();
        string? prefix = null;
        long? above = null, below = null;
        var tags = new List<KeyValuePair<string, string>>();
        xml.Read();
        while (xml.MoveToContent() != XmlNodeType.EndElement)
        {
            if (xml.NodeType != XmlNodeType.Element || !IsS3(xml)) throw Malformed();
            var one = ReadCondition(xml, out var kind);
            switch (kind)
            {
                case LifecycleFilterForm.Prefix when prefix is null: prefix = one.Prefix; break;
                case LifecycleFilterForm.Tag: tags.AddRange(one.Tags); break;
                case LifecycleFilterForm.ObjectSizeGreaterThan when above is null: above = one.ObjectSizeGreaterThan; break;
                case LifecycleFilterForm.ObjectSizeLessThan when below is null: below = one.ObjectSizeLessThan; break;
                default: throw Malformed();
            }
        }
        xml.Read();
        return new LifecycleFilter(form, prefix ?? "", tags, above, below);
    }

    private static LifecycleFilter ReadCondition(XmlReader xml, out LifecycleFilterForm form)
    {
        switch (xml.LocalName)
        {
            case "Prefix":
                form = LifecycleFilterForm.Prefix;
                return new LifecycleFilter(form, xml.ReadElementContentAsString(), [], null, null);
            case "ObjectSizeGreaterThan":
                form = LifecycleFilterForm.ObjectSizeGreaterThan;
                return new LifecycleFilter(form, "", [], Size(xml.ReadElementContentAsString()), null);
            case "ObjectSizeLessThan":
                form = LifecycleFilterForm.ObjectSizeLessThan;
                return new LifecycleFilter(form, "", [], null, Size(xml.ReadElementContentAsString()));
            case "Tag":
                form = LifecycleFilterForm.Tag;
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
                return new LifecycleFilter(form, "", [new(key, value)], null, null);
            default:
                throw Malformed();
        }
    }

    // An optional sign is allowed so that "-1" reaches validation and is answered as S3 answers it (not positive).
    private static int Number(string value) =>
        int.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Malformed();

    private static long Size(string value) =>
        long.TryParse(value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : throw Malformed();

    private static bool Boolean(string value) => value.Trim() switch
    {
        "true" => true,
        "false" => false,
        _ => throw Malformed(),
    };

    // ISO 8601 with a date part (2017-09-27, 2017-09-27T00:00:00Z, 2017-09-27T00:00:00.000Z); a bare 20200101 is refused.
    private static DateTimeOffset Date(string value)
    {
        var text = value.Trim();
        if (text.Length < 10 || text[4] != '-' || text[7] != '-') throw Malformed();
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : throw Malformed();
    }

    // S3 checks a transition's Date as it checks an expiration's, before anything else refuses the rule.
    private static void TransitionDate(string value)
    {
        if (Date(value).TimeOfDay != TimeSpan.Zero) S3Fail.With(StrataError.InvalidArgument, "'Date' must be at midnight GMT");
    }
}

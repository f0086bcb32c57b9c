using System.Xml;
using Strata.Core;
using Strata.Core.Acls;

namespace Strata.Server.Xml;

/// <summary>
/// Reads S3's &lt;AccessControlPolicy&gt; (PutBucketAcl, PutObjectAcl): an optional Owner and an AccessControlList of at
/// most 100 grants. A document XmlReader refuses (a DTD, an entity, a cut tag) is MalformedXML; one that is well formed
/// but not S3's schema (an unknown element or grantee type, a bad permission, more than 100 grants) is MalformedACLError.
/// </summary>
internal static class AccessControlPolicyReader
{
    /// <summary>100 grants with long display names fit well under this; more is refused before it is parsed.</summary>
    public const int MaxBytes = 64 * 1024;

    private const string XsiNamespace = "http://www.w3.org/2001/XMLSchema-instance";

    private static readonly XmlReaderSettings Settings = S3Xml.DocumentSettings(MaxBytes, ignoreWhitespace: true);

    /// <summary>The owner id the document names (null when it names none) and its grants.</summary>
    public static (string? OwnerId, List<AclGrant> Grants) Read(string document)
    {
        string? ownerId = null;
        List<AclGrant>? grants = null;
        try
        {
            using var xml = XmlReader.Create(new StringReader(document), Settings);
            if (xml.MoveToContent() != XmlNodeType.Element || xml.LocalName != "AccessControlPolicy" || xml.IsEmptyElement) throw Malformed();
            xml.Read();
            while (xml.MoveToContent() == XmlNodeType.Element)
            {
                switch (xml.LocalName)
                {
                    case "Owner" when ownerId is null:
                        ownerId = ReadOwner(xml);
                        break;
                    case "AccessControlList" when grants is null:
                        grants = ReadGrants(xml);
                        break;
                    default:
                        throw Malformed();
                }
            }
            if (xml.NodeType != XmlNodeType.EndElement) throw Malformed();
            xml.Read();
            if (xml.MoveToContent() != XmlNodeType.None) throw Malformed();
        }
        catch (XmlException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
        return (ownerId, grants ?? throw Malformed());
    }

    private static string ReadOwner(XmlReader xml)
    {
        string? id = null;
        foreach (var (name, value) in ReadChildren(xml))
        {
            if (name == "ID" && id is null) id = value;
            else if (name != "DisplayName") throw Malformed();
        }
        return id ?? throw Malformed();
    }

    private static List<AclGrant> ReadGrants(XmlReader xml)
    {
        var grants = new List<AclGrant>();
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return grants;
        }
        xml.Read();
        while (xml.MoveToContent() == XmlNodeType.Element)
        {
            if (xml.LocalName != "Grant" || xml.IsEmptyElement) throw Malformed();
            // S3: an ACL holds at most 100 grants; the 101st stops the reading.
            if (grants.Count == AccessControlList.MaxGrants) throw Malformed($"An ACL holds at most {AccessControlList.MaxGrants} grants.");
            xml.Read();
            AclGrantee? grantee = null;
            AclPermission? permission = null;
            while (xml.MoveToContent() == XmlNodeType.Element)
            {
                if (xml.LocalName == "Grantee" && grantee is null) grantee = ReadGrantee(xml);
                else if (xml.LocalName == "Permission" && permission is null) permission = AclPermissions.Parse(xml.ReadElementContentAsString()) ?? throw Malformed();
                else throw Malformed();
            }
            xml.ReadEndElement();
            grants.Add(new AclGrant(grantee ?? throw Malformed(), permission ?? throw Malformed()));
        }
        xml.ReadEndElement();
        return grants;
    }

    private static AclGrantee ReadGrantee(XmlReader xml)
    {
        var type = xml.GetAttribute("type", XsiNamespace);
        string? id = null, uri = null, email = null;
        foreach (var (name, value) in ReadChildren(xml))
        {
            switch (name)
            {
                case "ID" when id is null: id = value; break;
                case "URI" when uri is null: uri = value; break;
                case "EmailAddress" when email is null: email = value; break;
                case "DisplayName": break;
                default: throw Malformed();
            }
        }
        // S3 names the grantee's kind in xsi:type and reads the one element that kind has.
        return type switch
        {
            "CanonicalUser" when id is not null && uri is null && email is null => AclGrantee.User(id),
            "Group" when uri is not null && id is null && email is null => AclGrantee.Group(uri),
            "AmazonCustomerByEmail" when email is not null && id is null && uri is null => new AclGrantee(GranteeKind.Email, email),
            _ => throw Malformed(),
        };
    }

    /// <summary>The element's simple children as (name, text); an element inside a value is XmlException (MalformedXML).</summary>
    private static List<(string Name, string Value)> ReadChildren(XmlReader xml)
    {
        var children = new List<(string, string)>();
        if (xml.IsEmptyElement)
        {
            xml.Read();
            return children;
        }
        xml.Read();
        while (xml.MoveToContent() == XmlNodeType.Element)
        {
            var name = xml.LocalName;
            children.Add((name, xml.ReadElementContentAsString()));
            if (children.Count > 8) throw Malformed();
        }
        xml.ReadEndElement();
        return children;
    }

    private static StrataException Malformed(string? message = null) => S3Fail.Exception(StrataError.MalformedACLError, message);
}

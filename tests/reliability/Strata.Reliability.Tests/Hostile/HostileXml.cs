namespace Strata.Reliability.Tests.Hostile;

/// <summary>XML request bodies that are broken, huge or armed (DTDs, entities): S3 answers MalformedXML and changes nothing.</summary>
public sealed class HostileXml(HostileServer server) : IClassFixture<HostileServer>
{
    private const string BillionLaughs = """
        <?xml version="1.0"?>
        <!DOCTYPE lolz [
          <!ENTITY lol "lol">
          <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
          <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
          <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
          <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
          <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
          <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
          <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
          <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
          <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
        ]>
        """;

    public static TheoryData<string> VersioningBodies => new()
    {
        "unclosed",
        "not-xml",
        "wrong-root",
        "empty",
        "oversized",
        "internal-entity",
        "external-entity-file",
        "external-entity-http",
        "parameter-entity",
        "billion-laughs",
    };

    private static string VersioningBody(string name) => name switch
    {
        "unclosed" => "<VersioningConfiguration><Status>Suspended</Status>",
        "not-xml" => """{"Status":"Suspended"}""",
        "wrong-root" => "<LifecycleConfiguration><Status>Suspended</Status></LifecycleConfiguration>",
        "empty" => "",
        // 3 MiB, over the 2 MiB cap on XML request bodies.
        "oversized" => "<VersioningConfiguration>" + string.Concat(Enumerable.Repeat("<!-- padding -->", 3 * 1024 * 1024 / 16)) + "<Status>Suspended</Status></VersioningConfiguration>",
        "internal-entity" => """<!DOCTYPE v [<!ENTITY s "Suspended">]><VersioningConfiguration><Status>&s;</Status></VersioningConfiguration>""",
        "external-entity-file" => """<!DOCTYPE v [<!ENTITY s SYSTEM "file:///etc/passwd">]><VersioningConfiguration><Status>&s;</Status></VersioningConfiguration>""",
        "external-entity-http" => """<!DOCTYPE v [<!ENTITY s SYSTEM "http://127.0.0.1:9/x">]><VersioningConfiguration><Status>&s;</Status></VersioningConfiguration>""",
        "parameter-entity" => """<!DOCTYPE v [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]><VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>""",
        "billion-laughs" => BillionLaughs + "<VersioningConfiguration><Status>&lol9;</Status></VersioningConfiguration>",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(VersioningBodies))]
    public async Task PutBucketVersioning_with_a_hostile_body_is_MalformedXML_and_versioning_stays_as_it_was(string body)
    {
        var before = await server.StartCaseAsync();
        using var signed = server.CreateSigned();
        var response = await HostileServer.ReadAsync(await signed.SendAsync(HttpMethod.Put, "/" + HostileServer.Versioned, "versioning", VersioningBody(body)));
        HostileServer.AssertRefused(response, 400, "MalformedXML");
        Assert.DoesNotContain("root:", response.Body, StringComparison.Ordinal);
        await server.AssertUnharmedAsync(before);
    }

    public static TheoryData<string> DeleteBodies => new()
    {
        "unclosed",
        "not-xml",
        "no-objects",
        "object-without-key",
        "1001-objects",
        "oversized",
        "internal-entity",
        "external-entity-file",
        "billion-laughs",
    };

    private static string DeleteBody(string name) => name switch
    {
        "unclosed" => $"<Delete><Object><Key>{HostileServer.SmallKey}</Key></Object>",
        "not-xml" => HostileServer.SmallKey,
        "no-objects" => "<Delete><Quiet>true</Quiet></Delete>",
        "object-without-key" => "<Delete><Object><VersionId>null</VersionId></Object></Delete>",
        // S3: at most 1000 keys per request; the whole request is refused, not the first thousand deleted.
        "1001-objects" => "<Delete>" + string.Concat(Enumerable.Repeat($"<Object><Key>{HostileServer.SmallKey}</Key></Object>", 1001)) + "</Delete>",
        "oversized" => "<Delete>" + string.Concat(Enumerable.Repeat("<Object><Key>" + new string('k', 1000) + "</Key></Object>", 3 * 1024)) + "</Delete>",
        "internal-entity" => $"""<!DOCTYPE d [<!ENTITY k "{HostileServer.SmallKey}">]><Delete><Object><Key>&k;</Key></Object></Delete>""",
        "external-entity-file" => """<!DOCTYPE d [<!ENTITY k SYSTEM "file:///etc/passwd">]><Delete><Object><Key>&k;</Key></Object></Delete>""",
        "billion-laughs" => BillionLaughs + "<Delete><Object><Key>&lol9;</Key></Object></Delete>",
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(DeleteBodies))]
    public async Task DeleteObjects_with_a_hostile_body_is_MalformedXML_and_deletes_nothing(string body)
    {
        var before = await server.StartCaseAsync();
        foreach (var bucket in new[] { HostileServer.Versioned, HostileServer.Plain })
        {
            using var signed = server.CreateSigned();
            var response = await HostileServer.ReadAsync(await signed.SendAsync(HttpMethod.Post, "/" + bucket, "delete", DeleteBody(body)));
            HostileServer.AssertRefused(response, 400, "MalformedXML");
            Assert.DoesNotContain("root:", response.Body, StringComparison.Ordinal);
        }
        await server.AssertUnharmedAsync(before);
    }
}

using System.Text;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// PutBucketVersioning's XML reader (src/Strata.Server/Operations/Versioning.cs) is private to its operation, so it
/// is fuzzed over HTTP: generated and mutated VersioningConfiguration bodies, and the seed corpus of
/// tests/Strata.Server.Auth.Tests/Fuzz/corpus/xml. Each is answered 200 or refused with an S3 error (4xx with a
/// Code), never a 5xx or a dropped connection; a refused body leaves the bucket's versioning as it was, and an
/// accepted one leaves Enabled or Suspended, or the state as it was (a body without a Status). STRATA_FUZZ_ITERATIONS / 10 sets the number of bodies (default 300).
/// </summary>
public sealed class FuzzedVersioningXml(HostileServer server, ITestOutputHelper output) : IClassFixture<HostileServer>
{
    private const string Bucket = "fuzzed-versioning";

    private static readonly byte[][] Tokens = [.. new[]
    {
        "<", ">", "/", "</", "/>", "<Status>", "</Status>", "<MfaDelete>", "</MfaDelete>", "Enabled", "Suspended", "Disabled", "&amp;", "&#0;",
        "&#x53;", "<![CDATA[", "]]>", "<!--", "-->", "<?pi x?>", "<!DOCTYPE v [<!ENTITY s \"Suspended\">]>", "&s;", " xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"",
        "\0", "\u00ff", "\ud83d", " ", "<?xml version=\"1.0\" encoding=\"utf-16\"?>", "\uFEFF",
    }.Select(Encoding.UTF8.GetBytes)];

    private static string Generated(Random random)
    {
        string Pick(params string[] options) => options[random.Next(options.Length)];
        var xml = new StringBuilder(Pick("", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
            .Append(Pick("<VersioningConfiguration>", "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">", "<VersioningConfiguration/>"));
        if (xml.ToString().EndsWith("/>", StringComparison.Ordinal)) return xml.ToString();
        if (random.Next(4) > 0) xml.Append("<Status>").Append(Pick("Enabled", "Suspended", "enabled", "Off", "", " Enabled")).Append("</Status>");
        if (random.Next(4) == 0) xml.Append("<MfaDelete>").Append(Pick("Disabled", "Enabled", "x")).Append("</MfaDelete>");
        return xml.Append("</VersioningConfiguration>").ToString();
    }

    [Fact]
    public async Task Random_and_mutated_versioning_bodies_are_applied_or_refused_with_an_S3_error_and_refusals_change_nothing()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("STRATA_FUZZ_ITERATIONS"), out var n) && n > 0 ? Math.Max(300, n / 10) : 300;
        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var corpusDirectory = Path.Combine(PublishedServer.RepositoryRoot(), "tests", "Strata.Server.Auth.Tests", "Fuzz", "corpus", "xml");
        var corpus = Directory.GetFiles(corpusDirectory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        using var s3 = server.Server.CreateClient();
        await s3.PutBucketAsync(Bucket);
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);

        for (var i = 0; i < iterations; i++)
        {
            var seedBody = random.Next(3) == 0 ? corpus[random.Next(corpus.Count)] : Encoding.UTF8.GetBytes(Generated(random));
            var mutations = Enumerable.Range(0, random.Next(0, 4)).Select(_ => Mutation.Random(random)).ToList();
            var body = Mutation.Apply(seedBody, mutations, Tokens);
            var before = (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket })).VersioningConfig?.Status?.Value;

            var response = await server.SendAsync(server.Sign("PUT", "/" + Bucket, "versioning", body));

            var after = (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = Bucket })).VersioningConfig?.Status?.Value;
            var label = $"case {i} ({Convert.ToBase64String(body)}): {response.Status} {response.Code}";
            var outcome = response.Status == 200 ? "200" : $"{response.Status} {response.Code}";
            statuses[outcome] = statuses.GetValueOrDefault(outcome) + 1;
            Assert.True(response.Status == 200 || (response.Status is >= 400 and < 500 && response.Code is not null), label + "\n" + response);
            if (response.Status != 200) Assert.True(before == after, $"{label}: refused, yet versioning went from {before} to {after}");
            // Status is optional (S3's schema): a body with only MfaDelete leaves a never-versioned bucket unversioned.
            else Assert.True(after is "Enabled" or "Suspended" || after == before, $"{label}: accepted, and versioning went from {before ?? "(none)"} to {after ?? "(none)"}");
        }

        Assert.True(await server.Server.IsHealthyAsync());
        Figures.Write(output, "fuzz.xml_versioning_http", [("executions", iterations), .. statuses.Select(s => ((string Name, object Value))(s.Key.Replace(' ', '_'), s.Value))]);
    }
}

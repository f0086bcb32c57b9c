using System.Text;
using CsCheck;
using Strata.Core;
using Strata.Core.Cors;
using Strata.Server.Xml;
using Strata.Testing;
using Xunit.Abstractions;

namespace Strata.Server.Auth.Tests.Fuzz;

/// <summary>
/// Properties of the CORS configuration reader and writer (Xml/CorsConfigurationReader.cs, Xml/CorsConfigurationWriter.cs):
/// a valid configuration, written and read again, is the same configuration; a mutated or arbitrary document is read or
/// refused with a StrataException, never another exception; and whatever is accepted is stored in a form that reads back
/// to it, since every later request with an Origin reads the stored form.
/// </summary>
public sealed class CorsReaderFuzz(ITestOutputHelper output)
{
    // Values worth escaping: markup, entities, spaces, carriage returns, non-ASCII, surrogate pairs (no '*').
    private static readonly Gen<string> Texts = Gen.Frequency(
        (3, Gen.String[Gen.Char["abcXYZ019/._-:"], 1, 12]),
        (3, Gen.String[Gen.Char["ab &<>\"'\t\r\n;ü文\u00a0"], 1, 12]),
        (1, Gen.Const("😀x")));

    private static readonly Gen<string> Patterns = Gen.Frequency(
        (3, Texts),
        (1, Gen.Const("*")),
        (1, Gen.Select(Texts, Texts, (before, after) => before + "*" + after)));

    private static readonly Gen<CorsRule> Rules = Gen.Select(
        Gen.Frequency((1, Gen.Const((string?)null)), (1, Texts.Select(t => (string?)t))),
        Patterns.Array[1, 4],
        Gen.Int[0, CorsConfiguration.Methods.Count - 1].Select(i => CorsConfiguration.Methods[i]).Array[1, 5],
        Patterns.Array[0, 4],
        Texts.Array[0, 3],
        Gen.Frequency((1, Gen.Const((int?)null)), (1, Gen.Int[0, int.MaxValue].Select(n => (int?)n))),
        (id, origins, methods, headers, expose, maxAge) => new CorsRule
        {
            Id = id, AllowedOrigins = origins, AllowedMethods = methods, AllowedHeaders = headers, ExposeHeaders = expose, MaxAgeSeconds = maxAge,
        });

    private static readonly Gen<CorsConfiguration> Configurations = Rules.Array[1, 6].Select(rules => CorsConfiguration.Create(rules));

    private static readonly byte[][] Tokens = [.. new[]
    {
        "<", ">", "/", "</", "/>", "<CORSRule>", "</CORSRule>", "<AllowedOrigin>", "</AllowedOrigin>", "<AllowedMethod>", "<AllowedHeader>",
        "<ExposeHeader>", "<MaxAgeSeconds>", "</MaxAgeSeconds>", "<ID>", "*", "GET", "PATCH", "&", "&amp;", "&#0;", "&#xD;", "&gt;",
        "<![CDATA[", "]]>", "<!--", "-->", "<!DOCTYPE d [<!ENTITY e \"x\">]>", "&e;", "\"", " xmlns=\"\"", " xmlns:a=\"b\"", "a:",
        "\0", "\uFFFE", "\ud83d", "99999999999", "-1", " ", "\r",
    }.Select(Encoding.UTF8.GetBytes)];

    /// <summary>As PutBucketCors reads a body: strict UTF-8 (MalformedXML otherwise), then the reader.</summary>
    private static CorsConfiguration ReadSent(byte[] body)
    {
        string text;
        try
        {
            text = ObjectKey.StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException)
        {
            throw S3Fail.Exception(StrataError.MalformedXML);
        }
        return CorsConfigurationReader.Read(text);
    }

    /// <summary>What was accepted is stored as written and must read back to the same configuration.</summary>
    private static void StoredFormReadsBack(CorsConfiguration configuration)
    {
        var stored = CorsConfigurationWriter.Write(configuration);
        Assert.Equal(stored, CorsConfigurationWriter.Write(CorsConfigurationReader.ReadStored(stored)));
    }

    [Fact]
    public void A_valid_configuration_reads_back_as_written() =>
        FuzzRun.Check("xml.cors.roundtrip", Configurations, configuration =>
        {
            var written = CorsConfigurationWriter.Write(configuration);
            var read = ReadSent(Encoding.UTF8.GetBytes(written));

            Assert.Equal(configuration.Rules.Count, read.Rules.Count);
            for (var i = 0; i < read.Rules.Count; i++)
            {
                var (expected, actual) = (configuration.Rules[i], read.Rules[i]);
                Assert.Equal(expected.Id, actual.Id);
                Assert.Equal(expected.AllowedOrigins, actual.AllowedOrigins);
                Assert.Equal(expected.AllowedMethods, actual.AllowedMethods);
                Assert.Equal(expected.AllowedHeaders, actual.AllowedHeaders);
                Assert.Equal(expected.ExposeHeaders, actual.ExposeHeaders);
                Assert.Equal(expected.MaxAgeSeconds, actual.MaxAgeSeconds);
            }
        }, output, print: CorsConfigurationWriter.Write);

    [Fact]
    public void A_mutated_configuration_is_read_or_refused_with_a_StrataException_and_what_is_read_is_stored_readably() =>
        FuzzRun.Check("xml.cors.mutated", Gen.Select(Configurations, Mutations.Some), t =>
        {
            var (configuration, mutations) = t;
            var body = Mutation.Apply(Encoding.UTF8.GetBytes(CorsConfigurationWriter.Write(configuration)), mutations, Tokens);
            CorsConfiguration? read = null;
            if (FuzzRun.RefusesOnlyWithStrataException(() => read = ReadSent(body))) StoredFormReadsBack(read!);
        }, output, print: t => Encoding.UTF8.GetString(Mutation.Apply(Encoding.UTF8.GetBytes(CorsConfigurationWriter.Write(t.Item1)), t.Item2, Tokens)));

    [Fact]
    public void Arbitrary_bytes_are_refused_with_a_StrataException() =>
        FuzzRun.Check("xml.cors.arbitrary", Gen.Frequency((1, Gen.Byte.Array[0, 200]), (3, Gen.String[Gen.Char["<>/=\"' &;#xCORSRuleAllowedOriginMethodID*![]-?:"], 0, 200].Select(Encoding.UTF8.GetBytes))), body =>
        {
            FuzzRun.RefusesOnlyWithStrataException(() => ReadSent(body));
        }, output, print: Convert.ToBase64String);
}

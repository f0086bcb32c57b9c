using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Strata.Core;
using Strata.Server.Routing;

namespace Strata.Server.Tests;

/// <summary>
/// docs/S3-SUPPORT.md cannot drift from the router: its tables name exactly the operations of
/// <see cref="S3Operation"/>, each request form routes to the operation it names, and each refusal it
/// lists is what the running server answers.
/// </summary>
public sealed partial class SupportDoc(StrataServer server) : IClassFixture<StrataServer>
{
    private sealed record Row(string Operation, string Method, string Target, string? Header, string Answer);

    private static readonly S3Operation[] PseudoOperations = [S3Operation.GetBucketConfigurationNotSet, S3Operation.Unsupported];

    // | Operation-or-request | ... | rows of a markdown table, after the "## Title" line.
    private static List<string[]> Table(string title)
    {
        var lines = File.ReadAllLines(Path.Combine(FiguresFile.RepositoryRoot(), "docs", "S3-SUPPORT.md"));
        var start = Array.FindIndex(lines, l => l == "## " + title);
        Assert.True(start >= 0, $"docs/S3-SUPPORT.md has no section '## {title}'");
        return lines.Skip(start + 1).SkipWhile(l => !l.StartsWith('|')).TakeWhile(l => l.StartsWith('|')).Skip(2)
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray()).ToList();
    }

    [GeneratedRegex(@"^`(?<method>[A-Z]+) (?<target>/[^`]*)`( with `(?<header>[a-z0-9-]+)`)?$")]
    private static partial Regex RequestForm();

    private static (string Method, string Target, string? Header) Request(string cell)
    {
        var match = RequestForm().Match(cell);
        Assert.True(match.Success, $"'{cell}' is not a request form such as `PUT /BUCKET/KEY?acl`");
        return (match.Groups["method"].Value, match.Groups["target"].Value, match.Groups["header"].Success ? match.Groups["header"].Value : null);
    }

    private static List<Row> Supported() => Table("Supported").Select(c =>
    {
        var (method, target, header) = Request(c[1]);
        return new Row(c[0], method, target, header, "");
    }).ToList();

    private static List<Row> Answered(string title) => Table(title).Select(c =>
    {
        var (method, target, header) = Request(c[0]);
        return new Row(c[1], method, target, header, c[2].Trim('`'));
    }).ToList();

    private static S3Operation Route(string method, string target, string? header)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        var raw = target.Replace("BUCKET", "media").Replace("KEY", "photos/a.jpg").Replace("=ID", "=upload1");
        var queryAt = raw.IndexOf('?');
        http.Request.Path = queryAt < 0 ? raw : raw[..queryAt];
        http.Request.QueryString = new QueryString(queryAt < 0 ? "" : raw[queryAt..]);
        http.Features.Get<IHttpRequestFeature>()!.RawTarget = raw;
        if (header is not null) http.Request.Headers[header] = "/media/photos/b.jpg";
        return S3Request.Parse(http.Request, "").Operation;
    }

    [Fact]
    public void The_supported_table_names_every_operation_of_the_router_and_no_other()
    {
        var documented = Supported().Select(r => r.Operation).ToList();
        var known = Enum.GetValues<S3Operation>().Except(PseudoOperations).Select(o => o.ToString()).ToList();

        Assert.Equal(documented.Distinct().Count(), documented.Count);
        Assert.Empty(known.Except(documented));   // in the router, missing from the doc
        Assert.Empty(documented.Except(known));   // in the doc, unknown to the router
    }

    [Fact]
    public void Each_supported_request_form_routes_to_the_operation_it_names()
    {
        var wrong = Supported()
            .Select(r => (r.Operation, Routed: Route(r.Method, r.Target, r.Header).ToString()))
            .Where(r => r.Operation != r.Routed)
            .ToList();

        Assert.Empty(wrong);
    }

    [Fact]
    public void Every_subresource_the_router_refuses_or_reads_as_unset_is_listed()
    {
        var refused = Answered("Refused").Select(r => r.Target).ToList();
        var unset = Answered("Read as \"not configured\"").Select(r => r.Target).ToList();

        var notListed = S3Request.UnsupportedSubresources.Where(s => !refused.Any(t => t.EndsWith("?" + s, StringComparison.Ordinal)))
            .Concat(UnsetConfiguration.Entries.Where(e => !unset.Contains("/BUCKET?" + e.Subresource)).Select(e => e.Subresource))
            .ToList();
        Assert.Empty(notListed);
        Assert.Equal(UnsetConfiguration.Entries.Length, unset.Count);
    }

    [Fact]
    public async Task Each_refusal_in_the_doc_is_what_the_server_answers()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "a" });
        using var signed = server.CreateSigned();
        var rows = Answered("Read as \"not configured\"").Concat(Answered("Refused")).ToList();
        Assert.NotEmpty(rows);

        var wrong = new List<string>();
        foreach (var row in rows)
        {
            var target = row.Target.Replace("BUCKET", bucket).Replace("KEY", "a.txt");
            var queryAt = target.IndexOf('?');
            var path = queryAt < 0 ? target : target[..queryAt];
            var query = queryAt < 0 ? "" : target[(queryAt + 1)..];
            using var response = await signed.SendAsync(new HttpMethod(row.Method), path, query);
            var body = await response.Content.ReadAsStringAsync();
            var code = body.Length == 0 ? "" : XDocument.Parse(body).Root?.Element("Code")?.Value;
            var answer = $"{(int)response.StatusCode} {code}";
            if (answer != row.Answer) wrong.Add($"{row.Method} {row.Target}: doc says {row.Answer}, server answers {answer}");
        }

        Assert.Empty(wrong);
    }
}

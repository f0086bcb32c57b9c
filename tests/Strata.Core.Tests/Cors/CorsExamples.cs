using Strata.Core.Cors;

namespace Strata.Core.Tests.Cors;

/// <summary>
/// Which rule of a bucket's CORS configuration allows a request, from the examples of the S3 User Guide
/// ("Elements of a CORS configuration", "How does Amazon S3 evaluate the CORS configuration on a bucket?").
/// </summary>
public sealed class CorsExamples
{
    // The guide's first example: two sites may PUT, POST and DELETE with any header; anyone may GET.
    private static readonly CorsConfiguration ThreeRules = CorsConfiguration.Create(
    [
        new CorsRule { Id = "example1", AllowedOrigins = ["http://www.example1.com"], AllowedMethods = ["PUT", "POST", "DELETE"], AllowedHeaders = ["*"] },
        new CorsRule { Id = "example2", AllowedOrigins = ["http://www.example2.com"], AllowedMethods = ["PUT", "POST", "DELETE"], AllowedHeaders = ["*"] },
        new CorsRule { Id = "anyone", AllowedOrigins = ["*"], AllowedMethods = ["GET"] },
    ]);

    [Theory]
    [InlineData("http://www.example1.com", "PUT", "", "example1")]
    [InlineData("http://www.example1.com", "DELETE", "x-amz-date, authorization, content-type", "example1")]
    [InlineData("http://www.example2.com", "POST", "", "example2")]
    [InlineData("http://www.example2.com", "GET", "", "anyone")]
    [InlineData("https://elsewhere.test", "GET", "", "anyone")]
    [InlineData("https://elsewhere.test", "PUT", "", null)]
    [InlineData("https://elsewhere.test", "GET", "x-amz-date", null)] // the GET rule allows no request header
    [InlineData("http://www.example1.com", "HEAD", "", null)]
    [InlineData("http://www.example3.com", "PUT", "", null)]
    [InlineData("http://WWW.EXAMPLE1.COM", "PUT", "", null)] // origins compare as written
    [InlineData("http://www.example1.com", "put", "", null)] // methods too
    public void The_first_rule_that_allows_origin_method_and_headers_applies(string origin, string method, string requestHeaders, string? ruleId)
    {
        var rule = ThreeRules.Match(origin, method, CorsConfiguration.HeaderList(requestHeaders));
        Assert.Equal(ruleId, rule?.Id);
    }

    [Theory]
    // One '*' in an AllowedOrigin stands for any run of characters, the empty one too.
    [InlineData("http://*.example.com", "http://www.example.com", true)]
    [InlineData("http://*.example.com", "http://a.b.example.com", true)]
    [InlineData("http://*.example.com", "https://www.example.com", false)]
    [InlineData("http://*.example.com", "http://example.com", false)]
    [InlineData("*suffix", "foo.suffix", true)]
    [InlineData("*suffix", "foo.suffix.get", false)]
    [InlineData("start*end", "startend", true)]
    [InlineData("start*end", "start12end", true)]
    [InlineData("start*end", "0start12end", false)]
    [InlineData("prefix*", "prefix", true)]
    [InlineData("prefix*", "bla.prefix", false)]
    [InlineData("https://example.com:*", "https://example.com:8443", true)]
    [InlineData("*", "null", true)]
    public void An_origin_wildcard_matches_any_run_of_characters(string allowedOrigin, string origin, bool allowed)
    {
        var configuration = CorsConfiguration.Create([new CorsRule { AllowedOrigins = [allowedOrigin], AllowedMethods = ["GET"] }]);
        Assert.Equal(allowed, configuration.Match(origin, "GET", []) is not null);
    }

    [Theory]
    // Every header of Access-Control-Request-Headers must match an AllowedHeader; names ignore case.
    [InlineData("x-amz-*", "x-amz-date", true)]
    [InlineData("x-amz-*", "X-Amz-Date, x-amz-content-sha256", true)]
    [InlineData("x-amz-*", "x-amz-date, content-type", false)]
    [InlineData("Content-Type", "content-type", true)]
    [InlineData("*", "anything, at-all", true)]
    [InlineData("*-type", "content-type", true)]
    [InlineData("x-amz-meta-header1", "x-amz-meta-header2", false)]
    [InlineData("x-amz-*", " , ", true)] // no header named at all
    public void Every_requested_header_must_match_an_allowed_header(string allowedHeader, string requestHeaders, bool allowed)
    {
        var configuration = CorsConfiguration.Create([new CorsRule { AllowedOrigins = ["*"], AllowedMethods = ["PUT"], AllowedHeaders = [allowedHeader] }]);
        Assert.Equal(allowed, configuration.Match("https://app.test", "PUT", CorsConfiguration.HeaderList(requestHeaders)) is not null);
    }

    [Fact]
    public void A_rule_without_allowed_headers_allows_only_requests_that_name_none()
    {
        var configuration = CorsConfiguration.Create([new CorsRule { AllowedOrigins = ["*"], AllowedMethods = ["GET"], ExposeHeaders = ["x-amz-meta-header1"] }]);
        Assert.NotNull(configuration.Match("example.origin", "GET", []));
        Assert.Null(configuration.Match("example.origin", "GET", ["x-amz-meta-header2"]));
    }

    [Theory]
    [InlineData(new[] { "*" }, true)]
    [InlineData(new[] { "https://app.test", "*" }, true)]
    [InlineData(new[] { "https://*.app.test" }, false)]
    [InlineData(new[] { "https://app.test" }, false)]
    public void Only_an_allowed_origin_of_a_lone_star_allows_any_origin(string[] origins, bool any)
    {
        Assert.Equal(any, new CorsRule { AllowedOrigins = origins, AllowedMethods = ["GET"] }.AllowsAnyOrigin);
    }
}

using Strata.Core.Cors;

namespace Strata.Core.Tests.Cors;

/// <summary>What PutBucketCors refuses, with S3's codes and messages.</summary>
public sealed class CorsValidation
{
    private static CorsRule Rule(string[]? origins = null, string[]? methods = null, string[]? headers = null, string[]? expose = null, string? id = null) => new()
    {
        Id = id,
        AllowedOrigins = origins ?? ["https://example.com"],
        AllowedMethods = methods ?? ["GET"],
        AllowedHeaders = headers ?? [],
        ExposeHeaders = expose ?? [],
    };

    private static StrataException Refusal(params CorsRule[] rules) => Assert.Throws<StrataException>(() => CorsConfiguration.Create(rules));

    [Theory]
    [InlineData("OPTIONS")]
    [InlineData("PATCH")]
    [InlineData("get")]
    [InlineData(" GET")]
    [InlineData("GET,PUT")]
    [InlineData("*")]
    [InlineData("")]
    public void A_method_S3_does_not_allow_is_an_invalid_request(string method)
    {
        var error = Refusal(Rule(methods: ["GET", method]));
        Assert.Equal(StrataError.InvalidRequest, error.Error);
        Assert.Equal("Found unsupported HTTP method in CORS config. Unsupported method is " + method, error.Message);
    }

    [Fact]
    public void Every_method_S3_allows_is_accepted()
    {
        var configuration = CorsConfiguration.Create([Rule(methods: ["GET", "PUT", "HEAD", "POST", "DELETE"])]);
        Assert.Equal(5, configuration.Rules[0].AllowedMethods.Count);
    }

    [Theory]
    [InlineData("https://*.example.*")]
    [InlineData("**")]
    [InlineData("*://*.example.com:*")]
    public void An_allowed_origin_with_more_than_one_wildcard_is_an_invalid_request(string origin)
    {
        var error = Refusal(Rule(origins: ["https://example.com", origin]));
        Assert.Equal(StrataError.InvalidRequest, error.Error);
        Assert.Equal($"AllowedOrigin \"{origin}\" can not have more than one wildcard.", error.Message);
    }

    [Fact]
    public void An_allowed_header_with_more_than_one_wildcard_is_an_invalid_request()
    {
        var error = Refusal(Rule(headers: ["x-amz-*", "x-*-meta-*"]));
        Assert.Equal(StrataError.InvalidRequest, error.Error);
        Assert.Equal("AllowedHeader \"x-*-meta-*\" can not have more than one wildcard.", error.Message);
    }

    [Fact]
    public void An_expose_header_with_a_wildcard_is_an_invalid_request()
    {
        var error = Refusal(Rule(expose: ["ETag", "x-amz-*"]));
        Assert.Equal(StrataError.InvalidRequest, error.Error);
        Assert.Equal("ExposeHeader \"x-amz-*\" contains wildcard. We currently do not support wildcard for ExposeHeader.", error.Message);
    }

    [Fact]
    public void One_wildcard_in_each_origin_and_header_is_accepted()
    {
        var configuration = CorsConfiguration.Create([Rule(origins: ["*", "https://*.example.com", "https://example.com:*"], headers: ["*", "x-amz-*", "*-type"])]);
        Assert.Single(configuration.Rules);
    }

    [Fact]
    public void The_shape_of_the_document_is_checked_before_its_values()
    {
        Assert.Equal(StrataError.MalformedXML, Refusal().Error);
        Assert.Equal(StrataError.MalformedXML, Refusal(Rule(methods: ["PATCH"]), Rule(origins: [])).Error);
        Assert.Equal(StrataError.MalformedXML, Refusal(Rule(methods: [])).Error);
        Assert.Equal(StrataError.MalformedXML, Refusal(Rule(id: new string('a', 256))).Error);
        Assert.Equal(StrataError.MalformedXML, Refusal(Enumerable.Repeat(Rule(), 101).ToArray()).Error);
        Assert.Equal(100, CorsConfiguration.Create(Enumerable.Repeat(Rule(), 100).ToArray()).Rules.Count);
    }

    [Fact]
    public void The_first_rule_with_a_bad_value_is_the_one_reported()
    {
        var error = Refusal(Rule(), Rule(expose: ["x-*"]), Rule(methods: ["PATCH"]));
        Assert.Equal("ExposeHeader \"x-*\" contains wildcard. We currently do not support wildcard for ExposeHeader.", error.Message);
    }
}

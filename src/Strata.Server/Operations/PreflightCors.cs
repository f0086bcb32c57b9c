using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Cors;
using Strata.Server.Hosting;
using Strata.Server.Routing;

namespace Strata.Server.Operations;

/// <summary>
/// OPTIONS on a bucket or object: a browser's preflight, answered from the bucket's CORS rules without
/// authentication. 200 with the matching rule's headers; 403 AccessForbidden when none matches, as S3.
/// </summary>
internal static class PreflightCors
{
    public const string NotAllowed = "CORSResponse: This CORS request is not allowed. This is usually because the evalution of Origin, " +
        "request method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by the resource's CORS spec.";

    public static void Answer(HttpContext http, S3Request s3, CorsRules rules)
    {
        var request = http.Request;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) S3Fail.With(StrataError.BadRequest, "Insufficient information. Origin request header needed.");
        var method = request.Headers.AccessControlRequestMethod.ToString();
        if (!CorsConfiguration.IsMethod(method))
        {
            S3Fail.With(StrataError.BadRequest, $"Invalid Access-Control-Request-Method: {(method.Length == 0 ? "null" : method)}");
        }
        var bucket = s3.RequireBucket();
        CorsConfiguration? configuration;
        try
        {
            configuration = rules.Find(bucket);
        }
        catch (StrataException missing) when (missing.Error == StrataError.NoSuchBucket)
        {
            throw Forbidden("CORSResponse: Bucket not found", method, "BUCKET");
        }
        if (configuration is null) throw Forbidden("CORSResponse: CORS is not enabled for this bucket.", method, "BUCKET");
        var requestHeaders = request.Headers.AccessControlRequestHeaders.ToString();
        var rule = configuration.Match(origin, method, CorsConfiguration.HeaderList(requestHeaders))
            ?? throw Forbidden(NotAllowed, method, s3.Key is null ? "BUCKET" : "OBJECT");
        new CorsMatch(rule, origin, requestHeaders).Apply(http.Response);
        http.Response.StatusCode = StatusCodes.Status200OK;
    }

    private static StrataException Forbidden(string message, string method, string resourceType) =>
        new(StrataError.AccessForbidden, message) { Details = [new("Method", method), new("ResourceType", resourceType)] };
}

using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Cors;
using Strata.Engine;
using Strata.Engine.Buckets;
using Strata.Server.Routing;
using Strata.Server.Xml;

namespace Strata.Server.Hosting;

/// <summary>
/// Each bucket's CORS configuration, parsed (null when it has none), and the rule that applies to a request with an
/// Origin header. Put and DeleteBucketCors and DeleteBucket forget it once committed.
/// </summary>
internal sealed class CorsRules(StorageEngine engine)
    : BucketConfigCache<CorsConfiguration?>(engine, BucketConfigKind.Cors, CorsConfigurationReader.ReadStored, absent: null)
{
    /// <summary>
    /// For an actual (not preflight) request: the matching rule of its bucket, or null when the request has no
    /// Origin, no bucket, or no rule allows it. As S3, an Access-Control-Request-Method header stands for the method.
    /// </summary>
    public CorsMatch? MatchActual(HttpRequest request, S3Request s3)
    {
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0 || s3.Bucket is not { } bucket) return null;
        var configuration = Of(bucket); // null for a bucket that does not exist: the operation answers NoSuchBucket, without CORS headers as S3
        var method = request.Headers.AccessControlRequestMethod.ToString() is { Length: > 0 } requested ? requested : request.Method;
        var requestHeaders = request.Headers.AccessControlRequestHeaders.ToString();
        var rule = configuration?.Match(origin, method, CorsConfiguration.HeaderList(requestHeaders));
        return rule is null ? null : new CorsMatch(rule, origin, requestHeaders);
    }
}

/// <summary>A rule that allows a request, and the response headers S3 sends for it.</summary>
internal sealed record CorsMatch(CorsRule Rule, string Origin, string RequestHeaders)
{
    public void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        if (Rule.AllowsAnyOrigin)
        {
            headers.AccessControlAllowOrigin = "*";
        }
        else
        {
            headers.AccessControlAllowOrigin = Origin;
            headers.AccessControlAllowCredentials = "true";
        }
        headers.Vary = "Origin, Access-Control-Request-Headers, Access-Control-Request-Method";
        headers.AccessControlAllowMethods = string.Join(", ", Rule.AllowedMethods);
        var requested = CorsConfiguration.HeaderList(RequestHeaders);
        if (requested.Count > 0)
        {
            // Every requested header matched an AllowedHeader: they are all allowed, named as S3 names them (lower case).
            headers.AccessControlAllowHeaders = string.Join(", ", requested).ToLowerInvariant();
        }
        if (Rule.ExposeHeaders.Count > 0) headers.AccessControlExposeHeaders = string.Join(", ", Rule.ExposeHeaders);
        if (Rule.MaxAgeSeconds is { } seconds) headers.AccessControlMaxAge = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

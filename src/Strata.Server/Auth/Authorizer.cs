using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Policies;
using Strata.Engine;

namespace Strata.Server.Auth;

/// <summary>
/// Decides whether a principal may perform an action on a resource, as AWS evaluates it: an explicit Deny
/// in any policy wins, then an Allow from the user's policies or the bucket policy, else the implicit deny.
/// The root user may do everything unless the bucket policy denies it explicitly (its policy management
/// excepted); an anonymous caller only what a bucket policy grants to "*".
/// </summary>
internal sealed partial class Authorizer(Credentials credentials, StorageEngine engine, TimeProvider time, Hosting.ServerSettings settings)
{
    // Bucket policies change only through this process, which forgets the cached copy when they do.
    private readonly ConcurrentDictionary<string, PolicyDocument?> _bucketPolicies = new(StringComparer.Ordinal);

    public void Forget(BucketName bucket) => _bucketPolicies.TryRemove(bucket.Value, out _);

    /// <summary>Throws AccessDenied unless <paramref name="principal"/> may do <paramref name="action"/> on the bucket or object.</summary>
    public void Check(HttpContext http, Principal principal, string action, BucketName? bucket, ObjectKey? key)
    {
        if (!IsAllowed(http, principal, action, bucket, key)) throw S3Fail.Exception(StrataError.AccessDenied);
    }

    public bool IsAllowed(HttpContext http, Principal principal, string action, BucketName? bucket, ObjectKey? key)
    {
        var resource = bucket is null ? "*" : key is null ? $"arn:aws:s3:::{bucket.Value.Value}" : $"arn:aws:s3:::{bucket.Value.Value}/{key.Value.Value}";
        var bucketPolicy = bucket is null ? null : BucketPolicy(bucket.Value);
        if (principal.Kind == PrincipalKind.Root && (bucketPolicy is null || S3Actions.IsPolicyManagement(action))) return true;

        var context = new RequestContext(principal.Arn, action, resource, Conditions(http, principal));
        var decision = principal.Kind switch
        {
            PrincipalKind.Root => PolicyEvaluator.Evaluate([], bucketPolicy, context) == PolicyDecision.ExplicitDeny ? PolicyDecision.ExplicitDeny : PolicyDecision.Allow,
            PrincipalKind.User => PolicyEvaluator.Evaluate(credentials.UserPolicies(principal.UserName!), bucketPolicy, context),
            _ => bucketPolicy is null ? PolicyDecision.ImplicitDeny : PolicyEvaluator.Evaluate([], bucketPolicy, context),
        };
        // An ACL grant is a resource-side Allow, weighed with the policies: an explicit Deny still wins.
        return decision == PolicyDecision.Allow
            || (decision != PolicyDecision.ExplicitDeny && bucket is { } b && AclAllows(http, principal, action, b, key));
    }

    private PolicyDocument? BucketPolicy(BucketName bucket) =>
        _bucketPolicies.GetOrAdd(bucket.Value, name =>
        {
            try
            {
                var document = engine.GetBucketPolicy(BucketName.Parse(name));
                return document is null ? null : PolicyDocument.Parse(document, PolicyKind.Resource);
            }
            catch (StrataException missing) when (missing.Error == StrataError.NoSuchBucket)
            {
                return null; // the operation itself answers NoSuchBucket
            }
        });

    private Dictionary<string, IReadOnlyList<string>> Conditions(HttpContext http, Principal principal)
    {
        var now = time.GetUtcNow();
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            ["aws:SecureTransport"] = [http.Request.IsHttps ? "true" : "false"],
            ["aws:CurrentTime"] = [now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)],
            ["aws:EpochTime"] = [now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)],
        };
        if (http.Connection.RemoteIpAddress is { } ip) values["aws:SourceIp"] = [(ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip).ToString()];
        if (principal.Arn is not null) values["aws:PrincipalArn"] = [principal.Arn];
        if (principal.UserName is not null) values["aws:username"] = [principal.UserName];
        var query = http.Request.Query;
        foreach (var (parameter, conditionKey) in ListConditionKeys)
        {
            if (query.TryGetValue(parameter, out var value)) values[conditionKey] = [value.ToString()];
        }
        if (query.TryGetValue("versionId", out var versionId)) values["s3:VersionId"] = [versionId.ToString()];
        // S3's ACL condition keys: a policy may require or forbid a canned ACL or a grant on a write.
        foreach (var name in AclConditionHeaders)
        {
            if (http.Request.Headers.TryGetValue(name, out var header)) values["s3:" + name] = [header.ToString()];
        }
        return values;
    }

    private static readonly string[] AclConditionHeaders =
        ["x-amz-acl", "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control"];

    private static readonly (string Parameter, string ConditionKey)[] ListConditionKeys =
        [("prefix", "s3:prefix"), ("delimiter", "s3:delimiter"), ("max-keys", "s3:max-keys")];
}

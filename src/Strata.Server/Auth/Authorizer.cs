using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Policies;
using Strata.Core.PublicAccess;
using Strata.Core.Tagging;
using Strata.Engine;

namespace Strata.Server.Auth;

/// <summary>
/// Decides whether a principal may perform an action on a resource, as AWS evaluates it: an explicit Deny
/// in any policy wins, then an Allow from the user's policies or the bucket policy, else the implicit deny.
/// The root user may do everything unless the bucket policy denies it explicitly (its policy management
/// excepted); an anonymous caller only what a bucket policy grants to "*".
/// </summary>
internal sealed class Authorizer(Credentials credentials, StorageEngine engine, TimeProvider time, PublicAccessBlocks publicAccess)
{
    // Bucket policies change only through this process, which forgets the cached copy when they do.
    private readonly ConcurrentDictionary<string, PolicyDocument?> _bucketPolicies = new(StringComparer.Ordinal);

    public void Forget(BucketName bucket)
    {
        _bucketPolicies.TryRemove(bucket.Value, out _);
        PublicAccess.Forget(bucket);
    }

    /// <summary>Each bucket's Block Public Access settings (forget a bucket's there when they change).</summary>
    public PublicAccessBlocks PublicAccess => publicAccess;

    /// <summary>Throws AccessDenied unless <paramref name="principal"/> may do <paramref name="action"/> on the bucket or object.</summary>
    /// <param name="requestTags">The tags the request sets, where the operation read them from its body or form (else x-amz-tagging is read).</param>
    /// <param name="versionId">The version the action is on when it is not ?versionId (a copy's source), for s3:ExistingObjectTag.</param>
    public void Check(HttpContext http, Principal principal, string action, BucketName? bucket, ObjectKey? key, TagSet? requestTags = null,
        VersionId? versionId = null)
    {
        if (!IsAllowed(http, principal, action, bucket, key, requestTags, versionId)) throw S3Fail.Exception(StrataError.AccessDenied);
    }

    public bool IsAllowed(HttpContext http, Principal principal, string action, BucketName? bucket, ObjectKey? key, TagSet? requestTags = null,
        VersionId? versionId = null)
    {
        var resource = bucket is null ? "*" : key is null ? $"arn:aws:s3:::{bucket.Value.Value}" : $"arn:aws:s3:::{bucket.Value.Value}/{key.Value.Value}";
        var bucketPolicy = bucket is null ? null : BucketPolicy(bucket.Value);
        if (principal.Kind == PrincipalKind.Root && (bucketPolicy is null || S3Actions.IsPolicyManagement(action))) return true;

        if (bucket is not null && RestrictedAsPublic(principal, bucket.Value, bucketPolicy)) return false;

        var identityPolicies = principal.Kind == PrincipalKind.User ? credentials.UserPolicies(principal.UserName!) : [];
        var conditions = Conditions(http, principal);
        // Object conditions: request headers, the tags the request sets, and (one read, only when a policy tests them)
        // the tags the object has.
        ObjectConditions.AddHeaders(conditions, http.Request);
        ObjectConditions.AddRequestTags(conditions, http.Request, action, requestTags);
        if (bucket is { } name) ObjectConditions.AddExistingTags(conditions, engine, http.Request, action, name, key, versionId, identityPolicies, bucketPolicy);
        var context = new RequestContext(principal.Arn, action, resource, conditions);
        return principal.Kind switch
        {
            PrincipalKind.Root => PolicyEvaluator.Evaluate([], bucketPolicy, context) != PolicyDecision.ExplicitDeny,
            PrincipalKind.User => PolicyEvaluator.Evaluate(identityPolicies, bucketPolicy, context) == PolicyDecision.Allow,
            _ => bucketPolicy is not null && PolicyEvaluator.Evaluate([], bucketPolicy, context) == PolicyDecision.Allow,
        };
    }

    /// <summary>
    /// Block Public Access, RestrictPublicBuckets: while a bucket's policy is public, only AWS service principals and
    /// authorized users of the bucket owner's account get access; anonymous callers (and other accounts) are refused
    /// whatever the policy grants them.
    /// </summary>
    private bool RestrictedAsPublic(Principal principal, BucketName bucket, PolicyDocument? bucketPolicy) =>
        // seam: with accounts, "outside the owner's account" is any principal of another account as well.
        principal.Kind == PrincipalKind.Anonymous
        && bucketPolicy is not null
        && PublicAccess.Of(bucket).RestrictPublicBuckets
        && PublicPolicies.IsPublic(bucketPolicy);

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
        return values;
    }

    private static readonly (string Parameter, string ConditionKey)[] ListConditionKeys =
        [("prefix", "s3:prefix"), ("delimiter", "s3:delimiter"), ("max-keys", "s3:max-keys")];
}

using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Acls;
using Strata.Core.Policies;
using Strata.Core.PublicAccess;
using Strata.Core.Tagging;
using Strata.Engine;
using Strata.Engine.Buckets;

namespace Strata.Server.Auth;

/// <summary>
/// Decides whether a principal may perform an action on a resource, as AWS evaluates it ("How Amazon S3 authorizes
/// a request"). In the bucket owner's account: an explicit Deny in any policy wins, then an Allow from the user's
/// policies or the bucket policy, else the implicit deny; the root user may do everything unless the bucket policy
/// denies it explicitly (its policy management excepted). From another account: both sides must allow, the bucket
/// (its policy) and the caller's account (a user's policies; an account's root has them all), and an explicit Deny
/// on either side wins. An anonymous caller gets only what the bucket grants to "*".
/// </summary>
internal sealed partial class Authorizer(Credentials credentials, StorageEngine engine, TimeProvider time, PublicAccessBlocks publicAccess)
{
    /// <summary>
    /// What authorization needs of a bucket: its policy, its owner's account id (null: the server's own) and its Object
    /// Ownership (null: no controls, ACLs apply).
    /// </summary>
    private sealed record BucketAccess(PolicyDocument? Policy, string? Owner, ObjectOwnership? Ownership);

    // Bucket policies and owners change only through this process, which forgets the cached copy when they do.
    private readonly ConcurrentDictionary<string, BucketAccess> _buckets = new(StringComparer.Ordinal);

    public void Forget(BucketName bucket)
    {
        _buckets.TryRemove(bucket.Value, out _);
        PublicAccess.Forget(bucket);
    }

    /// <summary>Each bucket's Block Public Access settings (forget a bucket's there when they change).</summary>
    public PublicAccessBlocks PublicAccess => publicAccess;

    /// <summary>Canonical ids as ACLs see them: callers, writers and bucket owners by account.</summary>
    public AclIdentity Identity => _identity ??= new AclIdentity(credentials, OwnerOf);

    private AclIdentity? _identity;

    /// <summary>
    /// Throws AccessDenied unless <paramref name="principal"/> may do <paramref name="action"/> on the bucket or
    /// object, and MethodNotAllowed for a bucket policy call that is allowed but comes from another account.
    /// </summary>
    /// <param name="requestTags">The tags the request sets, where the operation read them from its body or form (else x-amz-tagging is read).</param>
    /// <param name="versionId">The version the action is on when it is not ?versionId (a copy's source), for s3:ExistingObjectTag.</param>
    public void Check(HttpContext http, Principal principal, string action, BucketName? bucket, ObjectKey? key, TagSet? requestTags = null,
        VersionId? versionId = null)
    {
        if (!IsAllowed(http, principal, action, bucket, key, requestTags, versionId)) throw S3Fail.Exception(StrataError.AccessDenied);
        // S3 (PutBucketPolicy, GetBucketPolicy, DeleteBucketPolicy): a caller with the permission that does not belong
        // to the bucket owner's account gets 405 Method Not Allowed.
        if (S3Actions.IsPolicyManagement(action) && bucket is not null && Access(bucket.Value) is { } access && !IsOwner(principal, access))
        {
            throw S3Fail.Exception(StrataError.MethodNotAllowed, "Only the bucket owner's account may manage its policy.");
        }
    }

    public bool IsAllowed(HttpContext http, Principal principal, string action, BucketName? bucket, ObjectKey? key, TagSet? requestTags = null,
        VersionId? versionId = null)
    {
        if (principal.Kind == PrincipalKind.Anonymous && bucket is null) return false; // ListBuckets needs a caller
        var resource = bucket is null ? "*" : key is null ? $"arn:aws:s3:::{bucket.Value.Value}" : $"arn:aws:s3:::{bucket.Value.Value}/{key.Value.Value}";
        // CreateBucket names a bucket that is to be the caller's: whoever holds the name answers BucketAlreadyExists.
        var access = bucket is null || action == "s3:CreateBucket" ? null : Access(bucket.Value);
        var bucketPolicy = access?.Policy;
        // No bucket (or none yet: the operation answers NoSuchBucket) is judged as the caller's own account.
        var ownAccount = access is null || IsOwner(principal, access);
        if (principal.Kind == PrincipalKind.Root && ownAccount && (bucketPolicy is null || S3Actions.IsPolicyManagement(action))) return true;

        if (bucket is not null && RestrictedAsPublic(principal, ownAccount, bucket.Value, bucketPolicy)) return false;

        var identityPolicies = principal.Kind == PrincipalKind.User ? credentials.UserPolicies(principal.UserName!) : [];
        var conditions = Conditions(http, principal);
        // Object conditions: request headers, the tags the request sets, and (one read, only when a policy tests them)
        // the tags the object has.
        ObjectConditions.AddHeaders(conditions, http.Request);
        ObjectConditions.AddRequestTags(conditions, http.Request, action, requestTags);
        if (bucket is { } name) ObjectConditions.AddExistingTags(conditions, engine, http.Request, action, name, key, versionId, identityPolicies, bucketPolicy);
        var context = new RequestContext(principal.Arn, action, resource, conditions);
        var resourceSide = bucketPolicy is null ? PolicyDecision.ImplicitDeny : PolicyEvaluator.Evaluate([], bucketPolicy, context);
        if (principal.Kind == PrincipalKind.Anonymous || !ownAccount)
        {
            if (resourceSide == PolicyDecision.ExplicitDeny) return false;
            var identitySide = principal.Kind switch
            {
                PrincipalKind.Root => PolicyDecision.Allow, // an account's root holds every permission of its account
                PrincipalKind.User => PolicyEvaluator.Evaluate(identityPolicies, null, context),
                _ => PolicyDecision.Allow, // anonymous: only the resource side counts
            };
            return identitySide == PolicyDecision.Allow
                && (resourceSide == PolicyDecision.Allow || AclAllows(http, principal, action, bucket!.Value, key));
        }
        return principal.Kind switch
        {
            PrincipalKind.Root => resourceSide != PolicyDecision.ExplicitDeny,
            // An ACL grant is a resource-side Allow, weighed with the policies: an explicit Deny still wins.
            _ => PolicyEvaluator.Evaluate(identityPolicies, bucketPolicy, context) is var decision
                && (decision == PolicyDecision.Allow || (decision != PolicyDecision.ExplicitDeny && bucket is { } b && AclAllows(http, principal, action, b, key))),
        };
    }

    /// <summary>
    /// Block Public Access, RestrictPublicBuckets: while a bucket's policy is public, only AWS service principals and
    /// authorized users of the bucket owner's account get access; anonymous callers and other accounts are refused
    /// whatever the policy grants them.
    /// </summary>
    private bool RestrictedAsPublic(Principal principal, bool ownAccount, BucketName bucket, PolicyDocument? bucketPolicy) =>
        (principal.Kind == PrincipalKind.Anonymous || !ownAccount)
        && bucketPolicy is not null
        && PublicAccess.Of(bucket).RestrictPublicBuckets
        && PublicPolicies.IsPublic(bucketPolicy);

    /// <summary>The bucket's Object Ownership, null when it has no controls (ACLs apply); NoSuchBucket when there is no bucket.</summary>
    public ObjectOwnership? OwnershipOf(BucketName bucket) => (Access(bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket)).Ownership;

    /// <summary>The account that owns the bucket, or null when there is no such bucket.</summary>
    public Account? OwnerOf(BucketName bucket) => Access(bucket) is { } access ? credentials.OwnerAccount(access.Owner) : null;

    private bool IsOwner(Principal principal, BucketAccess access) =>
        principal.Account is { } account && account.AccountId == (access.Owner ?? credentials.AccountId);

    private BucketAccess? Access(BucketName bucket)
    {
        if (_buckets.TryGetValue(bucket.Value, out var cached)) return cached;
        // A bucket that does not exist is not cached: the next request may be the one that creates it.
        if (engine.FindBucket(bucket) is not { } info) return null;
        try
        {
            var document = engine.GetBucketPolicy(bucket);
            var ownership = engine.GetBucketConfig(bucket, BucketConfigKind.Ownership) is { } text ? ObjectOwnerships.Parse(text) : null;
            var access = new BucketAccess(document is null ? null : PolicyDocument.Parse(document, PolicyKind.Resource), info.Owner, ownership);
            return _buckets.GetOrAdd(bucket.Value, access);
        }
        catch (StrataException missing) when (missing.Error == StrataError.NoSuchBucket)
        {
            return null; // deleted meanwhile: the operation itself answers NoSuchBucket
        }
    }

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
        if (principal.Account is not null) values["aws:PrincipalAccount"] = [principal.Account.AccountId];
        if (principal.UserName is not null) values["aws:username"] = [principal.UserName];
        var query = http.Request.Query;
        foreach (var (parameter, conditionKey) in ListConditionKeys)
        {
            if (query.TryGetValue(parameter, out var value)) values[conditionKey] = [value.ToString()];
        }
        if (query.TryGetValue("versionId", out var versionId)) values["s3:VersionId"] = [versionId.ToString()];
        // S3's condition keys of a copy (CopyObject, UploadPartCopy): the source as "bucket/key", and the metadata directive.
        var headers = http.Request.Headers;
        if (headers.TryGetValue("x-amz-copy-source", out var copySource))
        {
            var source = copySource.ToString();
            var versionPart = source.IndexOf('?', StringComparison.Ordinal);
            values["s3:x-amz-copy-source"] = [Uri.UnescapeDataString(versionPart < 0 ? source : source[..versionPart]).TrimStart('/')];
        }
        if (headers.TryGetValue("x-amz-metadata-directive", out var directive)) values["s3:x-amz-metadata-directive"] = [directive.ToString()];
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

using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Acls;
using Strata.Engine;
using Strata.Engine.Buckets;
using Strata.Server.Auth;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// The ACL a write asks for through x-amz-acl or x-amz-grant-* (CreateBucket, PutObject, CopyObject,
/// CreateMultipartUpload, Put*Acl), and what the bucket's Object Ownership makes of it.
/// </summary>
internal static class AclHeaders
{
    public const string Canned = "x-amz-acl";

    /// <summary>The request's ACL headers; S3: a canned ACL and grant headers together is InvalidRequest.</summary>
    public static AclRequest Read(HttpRequest request) => Parse(request.Header(Canned), name => request.Header(name));

    /// <summary>The same from a POST form's fields (acl, and no grant fields: S3's POST takes only a canned ACL).</summary>
    public static AclRequest Parse(string? canned, Func<string, string?> header)
    {
        List<AclGrant>? grants = null;
        foreach (var (name, permission) in GrantHeaders.Names)
        {
            if (header(name) is not { } value) continue;
            grants ??= [];
            if (GrantHeaders.Parse(value, permission, grants) is { } problem) S3Fail.With(StrataError.InvalidArgument, problem);
        }
        if (canned is not null && grants is not null) S3Fail.With(StrataError.InvalidRequest, "Specifying both Canned ACLs and Header Grants is not allowed");
        return new AclRequest(canned, grants);
    }

    /// <summary>The bucket's ACL (private to its owner when none is stored).</summary>
    public static AccessControlList BucketAcl(StorageEngine engine, BucketName bucket, AclIdentity identity) =>
        engine.GetBucketConfig(bucket, BucketConfigKind.Acl) is { } text ? StoredAcl.Parse(text) : AccessControlList.Private(identity.BucketOwnerId(bucket));

    /// <summary>An object version's ACL from its stored form (null: private to the bucket owner).</summary>
    public static AccessControlList ObjectAcl(string? stored, string bucketOwnerId) =>
        stored is null ? AccessControlList.Private(bucketOwnerId) : StoredAcl.Parse(stored);

    /// <summary>
    /// The stored form of the ACL a new object version gets from this request (null: private to the bucket owner),
    /// or S3's refusal (AccessControlListNotSupported under BucketOwnerEnforced, InvalidArgument, UnresolvableGrantByEmailAddress).
    /// Checked before the body is read, so a refused write stores nothing.
    /// </summary>
    public static string? ForObjectWrite(S3Context ctx, BucketName bucket, AclRequest request)
    {
        var acl = Resolve(ctx, bucket, request, ctx.Authorizer.OwnershipOf(bucket), forBucket: false);
        return acl.IsPrivate && acl.OwnerId == ctx.Authorizer.Identity.BucketOwnerId(bucket) ? null : StoredAcl.Serialize(acl);
    }

    /// <param name="bucketOwnerId">The bucket owner's canonical id when the bucket is being created (its creator's); else the stored owner's.</param>
    public static AccessControlList Resolve(S3Context ctx, BucketName bucket, AclRequest request, ObjectOwnership? ownership, bool forBucket, string? bucketOwnerId = null)
    {
        var identity = ctx.Authorizer.Identity;
        var decision = request.Resolve(ownership, identity.WriterId(ctx.Principal, bucket), bucketOwnerId ?? identity.BucketOwnerId(bucket), forBucket, identity.IsKnownId);
        return decision switch
        {
            AclRequest.Decision.Store store => store.Acl,
            AclRequest.Decision.Refuse(var error, var message) => throw S3Fail.Exception(error, message),
            _ => throw new InvalidOperationException(),
        };
    }
}

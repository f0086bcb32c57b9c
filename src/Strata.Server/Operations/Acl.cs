using System.Text;
using Strata.Core;
using Strata.Core.Acls;
using Strata.Engine.Buckets;
using Strata.Server.Auth;
using Strata.Server.Body;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetBucketAcl, PutBucketAcl, GetObjectAcl and PutObjectAcl (per version). An ACL is set by headers (x-amz-acl or
/// x-amz-grant-*) or by an AccessControlPolicy body, never both (UnexpectedContent). Under BucketOwnerEnforced ACLs
/// are disabled: reads answer the bucket owner's FULL_CONTROL, and only an ACL that grants the bucket owner alone
/// FULL_CONTROL is accepted (and changes nothing), as S3 does.
/// </summary>
internal static class Acl
{
    public static async Task GetAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var enforced = !ObjectOwnerships.AclsEnabled(ctx.Authorizer.OwnershipOf(bucket)); // NoSuchBucket first
        AccessControlList acl;
        if (ctx.S3.Key is not { } key)
        {
            acl = AclHeaders.BucketAcl(ctx.Engine, bucket, ctx.Authorizer.Identity);
        }
        else
        {
            var versionId = RequestedVersion(ctx);
            var (version, stored) = ctx.Engine.GetObjectAcl(bucket, key, versionId);
            GetObject.Check(version, versionId); // NoSuchKey, NoSuchVersion; 405 for a marker
            if (!enforced) ctx.Authorizer.CheckObjectOwner(ctx.Principal, bucket, stored, AclPermission.ReadAcp, aclsEnabled: true);
            acl = AclHeaders.ObjectAcl(stored, ctx.Authorizer.Identity.BucketOwnerId(bucket));
        }
        if (enforced) acl = AccessControlList.Private(ctx.Authorizer.Identity.BucketOwnerId(bucket));
        await AccessControlPolicyWriter.WriteAsync(ctx.Response, acl, ctx.Authorizer.Identity.DisplayName);
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var ownership = ctx.Authorizer.OwnershipOf(bucket); // NoSuchBucket before the body is read
        var fromHeaders = AclHeaders.Read(ctx.Request);
        var body = await ReadBodyAsync(ctx);
        if (body.Length > 0 && !fromHeaders.IsEmpty) S3Fail.With(StrataError.UnexpectedContent);
        if (body.Length == 0 && fromHeaders.IsEmpty) S3Fail.With(StrataError.MalformedACLError, "An ACL needs x-amz-acl, x-amz-grant-* headers or an AccessControlPolicy body.");
        var (ownerInBody, grants) = body.Length > 0 ? AccessControlPolicyReader.Read(body) : (null, null);
        var request = grants is null ? fromHeaders : new AclRequest(null, grants);
        var bucketOwner = ctx.Authorizer.Identity.BucketOwnerId(bucket);
        // BlockPublicAcls: an ACL body that grants AllUsers or AuthenticatedUsers is refused as the headers are.
        if (grants is not null) PublicAccessBlocks.RefusePublicAcl(ctx.Authorizer.PublicAccess.Of(bucket), new AccessControlList(bucketOwner, grants).IsPublic);

        if (!ObjectOwnerships.AclsEnabled(ownership))
        {
            // S3 with ACLs disabled accepts an ACL that grants only the bucket owner FULL_CONTROL, canned or as XML
            // (s3cmd's cp copies the source's ACL so); any other is AccessControlListNotSupported.
            var ownerOnly = request.Canned == CannedAcl.BucketOwnerFullControl
                || (grants is [{ Permission: AclPermission.FullControl } only] && only.Grantee == AclGrantee.User(bucketOwner));
            if (!ownerOnly) S3Fail.With(StrataError.AccessControlListNotSupported);
            if (ctx.S3.Key is { } k) await ctx.Engine.PutObjectAclAsync(bucket, k, RequestedVersion(ctx), (version, stored) => CheckTarget(ctx, version, stored));
            return;
        }

        if (ctx.S3.Key is not { } key)
        {
            var acl = Owned(AclHeaders.Resolve(ctx, bucket, request, ownership, forBucket: true), bucketOwner, ownerInBody);
            await ctx.Engine.PutBucketConfigAsync(bucket, BucketConfigKind.Acl, StoredAcl.Serialize(acl));
            return;
        }
        var resolved = AclHeaders.Resolve(ctx, bucket, request, ownership, forBucket: false);
        await ctx.Engine.PutObjectAclAsync(bucket, key, RequestedVersion(ctx), (version, stored) =>
        {
            CheckTarget(ctx, version, stored);
            ctx.Authorizer.CheckObjectOwner(ctx.Principal, bucket, stored, AclPermission.WriteAcp, aclsEnabled: true);
            // The object keeps its owner: a new ACL changes the grants, not who owns it.
            var acl = Owned(resolved, AclHeaders.ObjectAcl(stored, bucketOwner).OwnerId, ownerInBody);
            return acl.IsPrivate && acl.OwnerId == bucketOwner ? null : StoredAcl.Serialize(acl);
        });
    }

    /// <summary>The ACL with its resource's owner; S3 refuses a body that names another owner (AccessDenied: owners do not change by ACL).</summary>
    private static AccessControlList Owned(AccessControlList acl, string ownerId, string? ownerInBody)
    {
        if (ownerInBody is not null && ownerInBody != ownerId) S3Fail.With(StrataError.AccessDenied);
        return acl with { OwnerId = ownerId };
    }

    // S3: a delete marker has no ACL: NoSuchKey when it is the newest, 405 MethodNotAllowed asked for by id, as a GET.
    private static string? CheckTarget(S3Context ctx, Engine.Objects.ObjectVersion version, string? stored)
    {
        GetObject.Check(version, RequestedVersion(ctx));
        return stored;
    }

    private static VersionId? RequestedVersion(S3Context ctx) => ctx.S3.QueryValue("versionId") is { } text ? VersionId.Parse(text) : null;

    /// <summary>The body, read whole (an ACL is small): more than the reader's cap is MalformedACLError before any parsing.</summary>
    private static async Task<string> ReadBodyAsync(S3Context ctx)
    {
        var (buffer, length) = await SmallBody.ReadAsync(ctx.Caller.Payload, AccessControlPolicyReader.MaxBytes, StrataError.MalformedACLError,
            "The ACL document is too large.", ctx.Aborted);
        return Encoding.UTF8.GetString(buffer, 0, length);
    }
}

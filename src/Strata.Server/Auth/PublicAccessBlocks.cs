using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.PublicAccess;
using Strata.Engine;
using Strata.Engine.Buckets;
using Strata.Engine.Settings;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Auth;

/// <summary>
/// Each bucket's Block Public Access settings, kept by a <see cref="BucketConfigCache{T}"/>: they change only
/// through this process (PutPublicAccessBlock, DeletePublicAccessBlock, DeleteBucket), which forgets the copy.
/// </summary>
internal sealed class PublicAccessBlocks(StorageEngine engine)
{
    private readonly BucketConfigCache<PublicAccessBlock> _buckets =
        new(engine, BucketConfigKind.PublicAccessBlock, PublicAccessBlockXml.Read, PublicAccessBlock.None);

    public void Forget(BucketName bucket) => _buckets.Forget(bucket);

    /// <summary>The bucket's settings; <see cref="PublicAccessBlock.None"/> when it has none or does not exist (its operation answers NoSuchBucket).</summary>
    public PublicAccessBlock Of(BucketName bucket) => _buckets.Of(bucket);

    /// <summary>The administrator's default for new buckets, which a CreateBucket's ACL is checked against.</summary>
    public PublicAccessBlock ServerDefault() =>
        engine.GetServerSetting(ServerSettingName.DefaultPublicAccessBlock) is { } document ? PublicAccessBlockXml.Read(document) : PublicAccessBlock.None;

    /// <summary>
    /// BlockPublicAcls for the ACL a write carries in its headers: a public canned ACL (x-amz-acl) or an x-amz-grant-*
    /// to AllUsers or AuthenticatedUsers is refused with 403 AccessDenied, before anything is read or stored.
    /// </summary>
    public void CheckAclHeaders(S3Operation operation, BucketName? bucket, HttpRequest request)
    {
        if (bucket is null || operation is not (S3Operation.PutObject or S3Operation.CopyObject or S3Operation.CreateMultipartUpload
            or S3Operation.CreateBucket or S3Operation.PutBucketAcl or S3Operation.PutObjectAcl))
        {
            return;
        }
        if (!HasPublicAclHeader(request)) return;
        // A new bucket starts with the server's default settings, so its own CreateBucket is held to them.
        var settings = operation == S3Operation.CreateBucket ? ServerDefault() : Of(bucket.Value);
        RefusePublicAcl(settings, isPublic: true);
    }

    /// <summary>
    /// Seam for the ACL model: an ACL sent as XML (PutBucketAcl, PutObjectAcl) is checked here once the model says
    /// whether it is public. IgnorePublicAcls is the model's too: with it set, grants to the two public groups are
    /// left out when an ACL is evaluated (<c>Of(bucket).IgnorePublicAcls</c>).
    /// </summary>
    public static void RefusePublicAcl(PublicAccessBlock settings, bool isPublic)
    {
        if (isPublic && settings.BlockPublicAcls) S3Fail.With(StrataError.AccessDenied);
    }

    private static bool HasPublicAclHeader(HttpRequest request)
    {
        if (request.Headers["x-amz-acl"].ToString() is { Length: > 0 } canned && PublicAcls.IsPublicCanned(canned)) return true;
        foreach (var (name, values) in request.Headers)
        {
            if (!name.StartsWith("x-amz-grant-", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var value in values)
            {
                if (value is not null && PublicAcls.IsPublicGrant(value)) return true;
            }
        }
        return false;
    }
}

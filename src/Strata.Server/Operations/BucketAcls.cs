using Strata.Core;
using Strata.Core.Acls;
using Strata.Engine.Buckets;
using Strata.Server.Auth;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>What CreateBucket's x-amz-acl, x-amz-grant-* and x-amz-object-ownership headers give the new bucket.</summary>
internal static class BucketAcls
{
    /// <summary>The documents the new bucket starts with, written in its creating commit: its ACL and its ownership.</summary>
    public static List<KeyValuePair<string, string>> InitialConfigs(S3Context ctx)
    {
        var ownership = BucketOwnershipControls.FromHeader(ctx.Request.Header(BucketOwnershipControls.Header)) ?? ctx.Settings.DefaultObjectOwnership;
        var request = AclHeaders.Read(ctx.Request);
        var configs = new List<KeyValuePair<string, string>>(2);
        if (!request.IsEmpty)
        {
            // The bucket is the creator's account's.
            var owner = (ctx.Principal.Account ?? ctx.Authenticator.Credentials.Own).CanonicalId;
            // S3: a bucket created with ACLs disabled may not have an ACL that grants anyone but its owner.
            var acl = AclHeaders.Resolve(ctx, ctx.S3.RequireBucket(), request, ObjectOwnership.ObjectWriter, forBucket: true, owner);
            if (!ObjectOwnerships.AclsEnabled(ownership) && acl.GrantsOutside(owner)) S3Fail.With(StrataError.InvalidBucketAclWithObjectOwnership);
            if (!acl.IsPrivate) configs.Add(new(BucketConfigKind.Acl, StoredAcl.Serialize(acl)));
        }
        if (ownership is { } chosen) configs.Add(new(BucketConfigKind.Ownership, chosen.ToString()));
        return configs;
    }
}

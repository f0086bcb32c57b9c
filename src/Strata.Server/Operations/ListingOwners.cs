using Strata.Core.Acls;
using Strata.Engine.Objects;
using Strata.Server.Auth;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// The Owner a listing shows for each entry: the account a version's ACL names as owner (another account that wrote it
/// under ObjectWriter or without ownership controls), else the bucket owner. Under BucketOwnerEnforced every object is
/// the bucket owner's, whatever ACL it kept from before; the bucket's ownership is read once a page, and only when an
/// entry names another owner.
/// </summary>
internal sealed class ListingOwners(S3Context ctx)
{
    private readonly Account _bucketOwner = ctx.BucketOwner;
    private bool? _aclsEnabled;

    public Account Of(ObjectVersion version)
    {
        if (version.OwnerId is not { } id || id == _bucketOwner.CanonicalId) return _bucketOwner;
        _aclsEnabled ??= ObjectOwnerships.AclsEnabled(ctx.Authorizer.OwnershipOf(ctx.S3.RequireBucket()));
        return _aclsEnabled.Value && ctx.Authorizer.Identity.Account(id) is { } owner ? owner : _bucketOwner;
    }
}

namespace Strata.Core.Acls;

/// <summary>
/// The ACL a write asks for: a canned ACL name or explicit grants (never both), or nothing. <see cref="Resolve"/>
/// turns it into the ACL to store under the bucket's Object Ownership, or the error S3 gives.
/// </summary>
public sealed record AclRequest(string? Canned, IReadOnlyList<AclGrant>? Grants)
{
    public static readonly AclRequest None = new(null, null);

    public bool IsEmpty => Canned is null && Grants is null;

    /// <summary>The decision for a write of a bucket's or object's ACL, as values.</summary>
    public abstract record Decision
    {
        public sealed record Store(AccessControlList Acl) : Decision;
        public sealed record Refuse(StrataError Error, string? Message = null) : Decision;
    }

    /// <param name="writerId">The writer's canonical id (the object's owner unless ownership says otherwise).</param>
    /// <param name="isKnownId">Whether a canonical id names an account of this server (InvalidArgument otherwise).</param>
    /// <param name="forBucket">A bucket's ACL (bucket-owner-* canned ACLs then grant nothing more).</param>
    public Decision Resolve(ObjectOwnership? ownership, string writerId, string bucketOwnerId, bool forBucket, Func<string, bool> isKnownId)
    {
        if (!ObjectOwnerships.AclsEnabled(ownership))
        {
            // S3 with ACLs disabled: no ACL, or bucket-owner-full-control (on an object write), and the bucket owner owns it.
            var acceptable = IsEmpty || (Canned == CannedAcl.BucketOwnerFullControl && !forBucket);
            return acceptable ? new Decision.Store(AccessControlList.Private(bucketOwnerId)) : new Decision.Refuse(StrataError.AccessControlListNotSupported);
        }
        // S3: BucketOwnerPreferred gives the bucket owner objects written with bucket-owner-full-control.
        var ownerId = !forBucket && ownership == ObjectOwnership.BucketOwnerPreferred && Canned == CannedAcl.BucketOwnerFullControl ? bucketOwnerId : writerId;
        if (Grants is null)
        {
            return CannedAcl.Expand(Canned ?? "private", ownerId, bucketOwnerId, forBucket) is { } canned
                ? new Decision.Store(canned)
                : new Decision.Refuse(StrataError.InvalidArgument, $"The canned ACL \"{Canned}\" is not one S3 defines.");
        }
        foreach (var grant in Grants)
        {
            switch (grant.Grantee.Kind)
            {
                case GranteeKind.Email:
                    return new Decision.Refuse(StrataError.UnresolvableGrantByEmailAddress);
                case GranteeKind.Group when !AclGroups.IsKnown(grant.Grantee.Value):
                    return new Decision.Refuse(StrataError.InvalidArgument, "Invalid group uri");
                case GranteeKind.CanonicalUser when !isKnownId(grant.Grantee.Value):
                    return new Decision.Refuse(StrataError.InvalidArgument, "Invalid id");
            }
        }
        return new Decision.Store(new AccessControlList(ownerId, Grants));
    }
}

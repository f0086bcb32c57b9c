namespace Strata.Core.Acls;

/// <summary>S3 Object Ownership, per bucket (Put/GetBucketOwnershipControls, x-amz-object-ownership on CreateBucket).</summary>
public enum ObjectOwnership
{
    /// <summary>ACLs disabled: the bucket owner owns every object; only bucket-owner-full-control (or no ACL) is accepted.</summary>
    BucketOwnerEnforced,

    /// <summary>The bucket owner owns objects written with bucket-owner-full-control; the writer owns the rest. ACLs apply.</summary>
    BucketOwnerPreferred,

    /// <summary>The writer owns what it writes. ACLs apply. A bucket without ownership controls behaves so.</summary>
    ObjectWriter,
}

public static class ObjectOwnerships
{
    public static ObjectOwnership? Parse(string text) => text switch
    {
        "BucketOwnerEnforced" => ObjectOwnership.BucketOwnerEnforced,
        "BucketOwnerPreferred" => ObjectOwnership.BucketOwnerPreferred,
        "ObjectWriter" => ObjectOwnership.ObjectWriter,
        _ => null,
    };

    /// <summary>S3: ACLs are disabled only under BucketOwnerEnforced; a bucket without controls has them enabled.</summary>
    public static bool AclsEnabled(ObjectOwnership? ownership) => ownership != ObjectOwnership.BucketOwnerEnforced;
}

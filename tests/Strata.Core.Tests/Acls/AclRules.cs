using Strata.Core.Acls;

namespace Strata.Core.Tests.Acls;

/// <summary>
/// ACLs as S3's "Access control list (ACL) overview" describes them: the canned ACL table, grantees, FULL_CONTROL
/// implying every permission, AllUsers including the anonymous caller and AuthenticatedUsers only signed ones.
/// </summary>
public sealed class AclRules
{
    private const string Owner = "owner0000000000000000000000000000000000000000000000000000000000a";
    private const string BucketOwner = "bucket00000000000000000000000000000000000000000000000000000000b";
    private static readonly AclCaller OwnerCaller = new(Owner, true);
    private static readonly AclCaller SomeoneSigned = new("other", true);

    [Theory]
    [InlineData("private", false, "u:owner:FULL_CONTROL")]
    [InlineData("public-read", false, "g:AllUsers:READ u:owner:FULL_CONTROL")]
    [InlineData("public-read-write", false, "g:AllUsers:READ g:AllUsers:WRITE u:owner:FULL_CONTROL")]
    [InlineData("authenticated-read", false, "g:AuthenticatedUsers:READ u:owner:FULL_CONTROL")]
    [InlineData("bucket-owner-read", false, "u:owner:FULL_CONTROL u:bucket:READ")]
    [InlineData("bucket-owner-full-control", false, "u:owner:FULL_CONTROL u:bucket:FULL_CONTROL")]
    [InlineData("log-delivery-write", true, "g:LogDelivery:WRITE g:LogDelivery:READ_ACP u:owner:FULL_CONTROL")]
    // On a bucket, the bucket-owner-* ACLs add nothing: the owner is the bucket owner.
    [InlineData("bucket-owner-full-control", true, "u:owner:FULL_CONTROL")]
    [InlineData("bucket-owner-read", true, "u:owner:FULL_CONTROL")]
    public void Canned_ACLs_expand_as_S3s_table_gives_them(string canned, bool forBucket, string expected)
    {
        var acl = CannedAcl.Expand(canned, Owner, BucketOwner, forBucket)!;
        Assert.Equal(Owner, acl.OwnerId);
        Assert.Equal(expected, Describe(acl));
    }

    [Fact]
    public void An_unknown_canned_ACL_expands_to_nothing() => Assert.Null(CannedAcl.Expand("public", Owner, Owner, forBucket: false));

    [Theory]
    [InlineData("private", false)]
    [InlineData("public-read", true)]
    [InlineData("public-read-write", true)]
    [InlineData("authenticated-read", true)]
    [InlineData("bucket-owner-full-control", false)]
    [InlineData("log-delivery-write", false)]
    public void An_ACL_is_public_when_it_grants_AllUsers_or_AuthenticatedUsers(string canned, bool isPublic) =>
        Assert.Equal(isPublic, CannedAcl.Expand(canned, Owner, BucketOwner, forBucket: true)!.IsPublic);

    [Theory]
    // caller: anon | signed | owner
    [InlineData("private", "anon", AclPermission.Read, false)]
    [InlineData("private", "signed", AclPermission.Read, false)]
    [InlineData("private", "owner", AclPermission.Read, true)] // FULL_CONTROL implies READ
    [InlineData("private", "owner", AclPermission.WriteAcp, true)]
    [InlineData("public-read", "anon", AclPermission.Read, true)]
    [InlineData("public-read", "anon", AclPermission.Write, false)]
    [InlineData("public-read", "anon", AclPermission.ReadAcp, false)]
    [InlineData("public-read-write", "anon", AclPermission.Write, true)]
    [InlineData("authenticated-read", "anon", AclPermission.Read, false)]
    [InlineData("authenticated-read", "signed", AclPermission.Read, true)]
    [InlineData("authenticated-read", "signed", AclPermission.Write, false)]
    public void Allows_answers_whether_a_grant_gives_the_caller_the_permission(string canned, string caller, AclPermission permission, bool allowed)
    {
        var acl = CannedAcl.Expand(canned, Owner, Owner, forBucket: false)!;
        var who = caller switch { "anon" => AclCaller.Anonymous, "signed" => SomeoneSigned, _ => OwnerCaller };
        Assert.Equal(allowed, acl.Allows(who, permission));
    }

    [Fact]
    public void A_grant_to_a_canonical_id_is_that_ids_alone()
    {
        var acl = new AccessControlList(Owner, [new AclGrant(AclGrantee.User("friend"), AclPermission.Read)]);
        Assert.True(acl.Allows(new AclCaller("friend", true), AclPermission.Read));
        Assert.False(acl.Allows(SomeoneSigned, AclPermission.Read));
        Assert.False(acl.Allows(OwnerCaller, AclPermission.Read)); // the owner's rights are not the ACL's to give: it has none here
    }

    [Fact]
    public void The_stored_form_reads_back_as_the_same_ACL()
    {
        var acl = new AccessControlList(Owner,
        [
            new AclGrant(AclGrantee.User(Owner), AclPermission.FullControl),
            new AclGrant(AclGrantee.Group(AclGroups.AllUsers), AclPermission.Read),
            new AclGrant(AclGrantee.Group(AclGroups.LogDelivery), AclPermission.ReadAcp),
        ]);
        var back = StoredAcl.Parse(StoredAcl.Serialize(acl));
        Assert.Equal(acl.OwnerId, back.OwnerId);
        Assert.Equal(acl.Grants, back.Grants);
        Assert.Empty(StoredAcl.Parse(StoredAcl.Serialize(new AccessControlList(Owner, []))).Grants);
    }

    [Theory]
    [InlineData("id=\"abc\"", "u:abc:READ")]
    [InlineData("id=abc", "u:abc:READ")]
    [InlineData("uri=\"http://acs.amazonaws.com/groups/global/AllUsers\", id=\"abc\"", "g:AllUsers:READ u:abc:READ")]
    [InlineData("emailAddress=\"a@example.com\"", "e:a@example.com:READ")]
    public void Grant_headers_list_grantees_by_id_uri_or_email(string header, string expected)
    {
        var grants = new List<AclGrant>();
        Assert.Null(GrantHeaders.Parse(header, AclPermission.Read, grants));
        Assert.Equal(expected, Describe(new AccessControlList("x", grants)));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("name=\"abc\"")]
    [InlineData("id=\"\"")]
    public void A_malformed_grant_header_is_refused(string header) =>
        Assert.NotNull(GrantHeaders.Parse(header, AclPermission.Read, []));

    [Fact]
    public void More_than_100_grants_are_refused()
    {
        var header = string.Join(", ", Enumerable.Range(0, 101).Select(i => $"id=\"u{i}\""));
        Assert.NotNull(GrantHeaders.Parse(header, AclPermission.Read, []));
    }

    [Theory]
    // ownership (none = no controls), canned ACL, expected owner or error
    [InlineData(null, null, "writer")]
    [InlineData(null, "public-read", "writer")]
    [InlineData("ObjectWriter", "bucket-owner-full-control", "writer")]
    [InlineData("BucketOwnerPreferred", "bucket-owner-full-control", "bucket")]
    [InlineData("BucketOwnerPreferred", "private", "writer")]
    [InlineData("BucketOwnerPreferred", null, "writer")]
    [InlineData("BucketOwnerEnforced", null, "bucket")]
    [InlineData("BucketOwnerEnforced", "bucket-owner-full-control", "bucket")]
    [InlineData("BucketOwnerEnforced", "private", "AccessControlListNotSupported")]
    [InlineData("BucketOwnerEnforced", "public-read", "AccessControlListNotSupported")]
    [InlineData(null, "public", "InvalidArgument")]
    public void Object_ownership_decides_who_owns_a_written_object(string? ownership, string? canned, string expected)
    {
        var decision = new AclRequest(canned, null).Resolve(ownership is null ? null : ObjectOwnerships.Parse(ownership), "writer", "bucket", forBucket: false, _ => true);
        var outcome = decision switch
        {
            AclRequest.Decision.Store store => store.Acl.OwnerId,
            AclRequest.Decision.Refuse refuse => refuse.Error.ToString(),
            _ => "?",
        };
        Assert.Equal(expected, outcome);
    }

    [Theory]
    [InlineData(GranteeKind.Email, "a@example.com", "UnresolvableGrantByEmailAddress")]
    [InlineData(GranteeKind.CanonicalUser, "nobody", "InvalidArgument")]
    [InlineData(GranteeKind.Group, "http://acs.amazonaws.com/groups/global/Nobody", "InvalidArgument")]
    [InlineData(GranteeKind.Group, AclGroups.AuthenticatedUsers, "Store")]
    public void Grants_must_name_a_known_account_or_group(GranteeKind kind, string value, string expected)
    {
        var request = new AclRequest(null, [new AclGrant(new AclGrantee(kind, value), AclPermission.Read)]);
        var decision = request.Resolve(null, Owner, Owner, forBucket: true, id => id == Owner);
        Assert.Equal(expected, decision is AclRequest.Decision.Refuse refuse ? refuse.Error.ToString() : "Store");
    }

    [Theory]
    [InlineData("s3:ListBucket", false, AclPermission.Read)]
    [InlineData("s3:ListBucketVersions", false, AclPermission.Read)]
    [InlineData("s3:PutObject", false, AclPermission.Write)]
    [InlineData("s3:DeleteObject", false, AclPermission.Write)]
    [InlineData("s3:GetBucketAcl", false, AclPermission.ReadAcp)]
    [InlineData("s3:PutBucketAcl", false, AclPermission.WriteAcp)]
    [InlineData("s3:GetObject", true, AclPermission.Read)]
    [InlineData("s3:GetObjectVersion", true, AclPermission.Read)]
    [InlineData("s3:GetObjectAcl", true, AclPermission.ReadAcp)]
    [InlineData("s3:PutObjectVersionAcl", true, AclPermission.WriteAcp)]
    public void Actions_map_to_the_ACL_permission_S3_names_for_them(string action, bool onObject, AclPermission permission) =>
        Assert.Equal((onObject, permission), AclActions.For(action));

    [Theory]
    [InlineData("s3:PutBucketPolicy")]
    [InlineData("s3:PutBucketOwnershipControls")]
    [InlineData("s3:PutBucketVersioning")]
    public void Actions_no_ACL_can_grant_map_to_nothing(string action) => Assert.Null(AclActions.For(action));

    private static string Describe(AccessControlList acl) => string.Join(" ", acl.Grants.Select(g =>
    {
        var kind = g.Grantee.Kind switch { GranteeKind.Group => "g", GranteeKind.Email => "e", _ => "u" };
        var value = g.Grantee.Value switch
        {
            Owner => "owner",
            BucketOwner => "bucket",
            var uri when uri.StartsWith("http://acs.amazonaws.com/groups/", StringComparison.Ordinal) => uri[(uri.LastIndexOf('/') + 1)..],
            var other => other,
        };
        return $"{kind}:{value}:{AclPermissions.Name(g.Permission)}";
    }));
}

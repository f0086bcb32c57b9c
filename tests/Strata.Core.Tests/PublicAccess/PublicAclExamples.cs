using Strata.Core.PublicAccess;

namespace Strata.Core.Tests.PublicAccess;

/// <summary>S3, "The meaning of public": an ACL is public when it grants anything to AllUsers or AuthenticatedUsers.</summary>
public sealed class PublicAclExamples
{
    [Theory]
    [InlineData("public-read", true)]
    [InlineData("public-read-write", true)]
    [InlineData("authenticated-read", true)]
    [InlineData("private", false)]
    [InlineData("bucket-owner-read", false)]
    [InlineData("bucket-owner-full-control", false)]
    [InlineData("aws-exec-read", false)]
    [InlineData("log-delivery-write", false)] // the LogDelivery group is not the public
    public void Canned_acls(string canned, bool isPublic) => Assert.Equal(isPublic, PublicAcls.IsPublicCanned(canned));

    [Theory]
    [InlineData("uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", true)]
    [InlineData("uri=\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"", true)]
    [InlineData("id=\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\", uri=\"http://acs.amazonaws.com/groups/global/AllUsers\"", true)]
    [InlineData("URI = http://acs.amazonaws.com/groups/global/AllUsers", true)]
    [InlineData("uri=\"http://acs.amazonaws.com/groups/s3/LogDelivery\"", false)]
    [InlineData("id=\"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be\"", false)]
    [InlineData("emailAddress=\"xyz@amazon.com\"", false)]
    [InlineData("id=\"http://acs.amazonaws.com/groups/global/AllUsers\"", false)] // an id is not a group
    public void Grant_headers(string value, bool isPublic) => Assert.Equal(isPublic, PublicAcls.IsPublicGrant(value));
}

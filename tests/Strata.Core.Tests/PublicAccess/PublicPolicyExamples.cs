using Strata.Core.Policies;
using Strata.Core.PublicAccess;

namespace Strata.Core.Tests.PublicAccess;

/// <summary>
/// Whether a bucket policy is public, from S3's "The meaning of public" (Blocking public access to your Amazon S3
/// storage) and the examples of its PublicAccessBlockConfiguration reference, plus ceph/s3-tests' policy-status cases.
/// </summary>
public sealed class PublicPolicyExamples
{
    private static string Policy(string principal, string condition = "", string effect = "Allow", string action = "s3:GetObject") => $$"""
        {"Version": "2012-10-17", "Statement": [{"Effect": "{{effect}}", {{principal}}, "Action": "{{action}}",
          "Resource": "arn:aws:s3:::media/*"{{(condition.Length > 0 ? ", \"Condition\": " + condition : "")}}}]}
        """;

    private static bool IsPublic(string json) => PublicPolicies.IsPublic(PolicyDocument.Parse(json, PolicyKind.Resource));

    [Theory]
    [InlineData("\"Principal\": \"*\"")]
    [InlineData("\"Principal\": {\"AWS\": \"*\"}")]
    [InlineData("\"Principal\": {\"AWS\": [\"111122223333\", \"*\"]}")] // "*" in a list still means everyone
    [InlineData("\"NotPrincipal\": {\"AWS\": \"111122223333\"}")] // everyone else
    public void An_allow_to_everyone_without_a_condition_is_public(string principal) => Assert.True(IsPublic(Policy(principal)));

    [Theory]
    [InlineData("\"Principal\": {\"AWS\": \"111122223333\"}")]
    [InlineData("\"Principal\": {\"AWS\": \"arn:aws:iam::111122223333:root\"}")]
    [InlineData("\"Principal\": {\"AWS\": [\"arn:aws:iam::111122223333:user/alice\", \"444455556666\"]}")]
    public void An_allow_to_fixed_principals_is_not_public(string principal) => Assert.False(IsPublic(Policy(principal)));

    [Fact]
    public void A_deny_to_everyone_is_not_public() => Assert.False(IsPublic(Policy("\"Principal\": \"*\"", effect: "Deny")));

    [Fact]
    public void Any_action_counts_even_listing() =>
        Assert.True(IsPublic(Policy("\"Principal\": {\"AWS\": \"*\"}", action: "s3:ListBucket").Replace("media/*", "media")));

    [Theory]
    // The guide: a fixed aws:SourceVpc is not public, "vpc-*" is.
    [InlineData("{\"StringEquals\": {\"aws:SourceVpc\": \"vpc-91237329\"}}", false)]
    [InlineData("{\"StringLike\": {\"aws:SourceVpc\": \"vpc-*\"}}", true)]
    [InlineData("{\"StringLike\": {\"aws:SourceVpc\": \"vpc-9123732?\"}}", true)]
    [InlineData("{\"StringEquals\": {\"aws:SourceVpce\": \"vpce-1a2b3c4d\"}}", false)]
    [InlineData("{\"ArnEquals\": {\"aws:SourceArn\": \"arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE\"}}", false)]
    [InlineData("{\"ArnLike\": {\"aws:SourceArn\": \"arn:aws:cloudfront::111122223333:distribution/*\"}}", true)]
    [InlineData("{\"StringEquals\": {\"aws:SourceAccount\": \"111122223333\"}}", false)]
    [InlineData("{\"StringEquals\": {\"aws:SourceOwner\": \"111122223333\"}}", false)]
    [InlineData("{\"StringEquals\": {\"aws:PrincipalOrgID\": \"o-a1b2c3d4e5\"}}", false)]
    [InlineData("{\"StringEquals\": {\"aws:userid\": \"AIDAEXAMPLE\"}}", false)]
    [InlineData("{\"StringLike\": {\"aws:userid\": \"AROLEID:*\"}}", true)]
    [InlineData("{\"StringEquals\": {\"aws:sourcevpc\": \"vpc-91237329\"}}", false)] // condition keys are case-insensitive
    [InlineData("{\"StringEquals\": {\"aws:SourceAccount\": \"${aws:username}\"}}", true)] // a policy variable is not fixed
    [InlineData("{\"StringNotEquals\": {\"aws:SourceVpc\": \"vpc-91237329\"}}", true)] // everyone but one VPC
    [InlineData("{\"StringEqualsIfExists\": {\"aws:SourceVpc\": \"vpc-91237329\"}}", true)] // holds without the key
    [InlineData("{\"ForAllValues:StringEquals\": {\"aws:SourceVpc\": \"vpc-91237329\"}}", true)]
    [InlineData("{\"Null\": {\"aws:SourceVpc\": \"false\"}}", true)]
    [InlineData("{\"StringEquals\": {\"s3:prefix\": \"public/\"}}", true)] // a key that says nothing of the caller
    [InlineData("{\"Bool\": {\"aws:SecureTransport\": \"true\"}}", true)]
    public void A_condition_on_a_fixed_value_of_a_known_party_makes_it_not_public(string condition, bool isPublic) =>
        Assert.Equal(isPublic, IsPublic(Policy("\"Principal\": \"*\"", condition)));

    [Theory]
    [InlineData("10.0.0.0/32", false)] // s3-tests: test_get_nonpublicpolicy_acl_bucket_policy_status
    [InlineData("192.0.2.0/24", false)]
    [InlineData("198.51.100.7", false)] // no prefix is /32
    [InlineData("12.0.0.0/8", false)]
    [InlineData("0.0.0.0/1", true)] // the guide's example of a range too broad
    [InlineData("0.0.0.0/0", true)]
    [InlineData("2001:db8::/32", false)]
    [InlineData("2001:db8:1234::/48", false)]
    [InlineData("2000::/3", true)]
    [InlineData("::/0", true)]
    public void A_source_ip_condition_is_not_public_only_with_narrow_ranges(string cidr, bool isPublic) =>
        Assert.Equal(isPublic, IsPublic(Policy("\"Principal\": \"*\"", $"{{\"IpAddress\": {{\"aws:SourceIp\": \"{cidr}\"}}}}")));

    [Fact]
    public void One_broad_range_among_narrow_ones_is_public() =>
        Assert.True(IsPublic(Policy("\"Principal\": \"*\"", "{\"IpAddress\": {\"aws:SourceIp\": [\"192.0.2.0/24\", \"0.0.0.0/0\"]}}")));

    [Fact]
    public void Not_ip_address_is_public() =>
        Assert.True(IsPublic(Policy("\"Principal\": \"*\"", "{\"NotIpAddress\": {\"aws:SourceIp\": \"192.0.2.0/24\"}}")));

    [Fact]
    public void A_fixing_condition_beside_others_is_enough() =>
        Assert.False(IsPublic(Policy("\"Principal\": \"*\"",
            "{\"Bool\": {\"aws:SecureTransport\": \"true\"}, \"IpAddress\": {\"aws:SourceIp\": \"192.0.2.0/24\"}}")));

    [Fact]
    public void One_public_statement_makes_the_policy_public()
    {
        var json = """
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "arn:aws:s3:::media/*"},
              {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::media/public/*"}]}
            """;
        Assert.True(IsPublic(json));
    }
}

using Strata.Core.Policies;

namespace Strata.Core.Tests.Policies;

/// <summary>
/// Which condition keys a policy tests: the server reads an object's tags for s3:ExistingObjectTag/&lt;key&gt; only
/// when a policy that applies tests such a key, so this answer decides whether a request costs a read.
/// </summary>
public sealed class ConditionKeysTested
{
    [Theory]
    [InlineData("""{"StringEquals": {"s3:ExistingObjectTag/security": "public"}}""", true)]
    [InlineData("""{"StringLike": {"S3:existingobjecttag/team": "a*"}}""", true)] // IAM key names ignore case
    [InlineData("""{"Null": {"s3:ExistingObjectTag/owner": "false"}}""", true)]
    [InlineData("""{"StringEquals": {"s3:RequestObjectTag/security": "public"}}""", false)]
    [InlineData("""{"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}""", false)]
    public void A_policy_tests_ExistingObjectTag_only_where_a_condition_names_it(string condition, bool tests)
    {
        var policy = PolicyDocument.Parse($$"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
              {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {{condition}}}]}
            """, PolicyKind.Identity);
        Assert.Equal(tests, policy.TestsConditionKeyStartingWith("s3:ExistingObjectTag/"));
    }
}

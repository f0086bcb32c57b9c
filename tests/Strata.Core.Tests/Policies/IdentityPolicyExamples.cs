using Strata.Core.Policies;
using static Strata.Core.Tests.Policies.Requests;

namespace Strata.Core.Tests.Policies;

/// <summary>User policies from the IAM and S3 guides, and "Policy evaluation logic" across both kinds.</summary>
public sealed class IdentityPolicyExamples
{
    // S3: a user policy for a web application's user: objects read, written, deleted and listed in one bucket.
    private const string WebApp = """
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Sid": "ListObjectsInBucket", "Effect": "Allow", "Action": ["s3:ListBucket"], "Resource": ["arn:aws:s3:::media"] },
            { "Sid": "AllObjectActions", "Effect": "Allow", "Action": ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"], "Resource": ["arn:aws:s3:::media/*"] }
          ]
        }
        """;

    [Theory]
    [InlineData("s3:PutObject", "arn:aws:s3:::media/photos/a.jpg", PolicyDecision.Allow)]
    [InlineData("s3:GetObject", "arn:aws:s3:::media/photos/a.jpg", PolicyDecision.Allow)]
    [InlineData("s3:DeleteObject", "arn:aws:s3:::media/photos/a.jpg", PolicyDecision.Allow)]
    [InlineData("s3:ListBucket", "arn:aws:s3:::media", PolicyDecision.Allow)]
    [InlineData("s3:DeleteObjectVersion", "arn:aws:s3:::media/photos/a.jpg", PolicyDecision.ImplicitDeny)]
    [InlineData("s3:PutBucketVersioning", "arn:aws:s3:::media", PolicyDecision.ImplicitDeny)]
    [InlineData("s3:ListBucket", "arn:aws:s3:::media/photos", PolicyDecision.ImplicitDeny)]
    [InlineData("s3:GetObject", "arn:aws:s3:::media", PolicyDecision.ImplicitDeny)]
    [InlineData("s3:GetObject", "arn:aws:s3:::other/a.jpg", PolicyDecision.ImplicitDeny)]
    public void The_web_app_user_reads_and_writes_objects_but_cannot_destroy_history(string action, string resource, PolicyDecision expected) =>
        Assert.Equal(expected, Evaluate(WebApp, null, Make(Alice, action, resource)));

    [Theory]
    [InlineData("s3:GetObject", PolicyDecision.Allow)]
    [InlineData("s3:GetObjectVersion", PolicyDecision.Allow)]
    [InlineData("s3:GetBucketPolicy", PolicyDecision.Allow)]
    [InlineData("S3:GETOBJECTACL", PolicyDecision.Allow)]
    [InlineData("s3:ListBucketVersions", PolicyDecision.Allow)]
    [InlineData("s3:PutObject", PolicyDecision.ImplicitDeny)]
    [InlineData("s3:ListBucket", PolicyDecision.ImplicitDeny)]
    public void Actions_match_case_insensitively_with_wildcards(string action, PolicyDecision expected)
    {
        const string policy = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":["s3:Get*","s3:L?st*Versions"],"Resource":"*"}}""";
        Assert.Equal(expected, Evaluate(policy, null, Make(Alice, action, "arn:aws:s3:::b/k")));
    }

    [Theory]
    [InlineData("arn:aws:s3:::logs/2024/01/02/a.gz", PolicyDecision.Allow)]
    [InlineData("arn:aws:s3:::logs/2024/a.gz", PolicyDecision.ImplicitDeny)]
    [InlineData("arn:aws:s3:::logs/2024/01/02/a.txt", PolicyDecision.ImplicitDeny)]
    [InlineData("arn:aws:s3:::logs/2024/1/02/a.gz", PolicyDecision.ImplicitDeny)]
    public void Resources_match_with_star_across_slashes_and_question_for_one_character(string resource, PolicyDecision expected)
    {
        const string policy = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/????/??/*.gz"}}""";
        Assert.Equal(expected, Evaluate(policy, null, Make(Alice, "s3:GetObject", resource)));
    }

    // IAM "Policy evaluation logic": an explicit deny in any policy overrides any allow.
    [Fact]
    public void A_deny_in_the_bucket_policy_beats_an_allow_in_the_identity_policy()
    {
        const string bucket = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},
              "Action":"s3:DeleteObject","Resource":"arn:aws:s3:::media/*"}]}
            """;
        Assert.Equal(PolicyDecision.ExplicitDeny, Evaluate(AllowEverything, bucket, Make(Alice, "s3:DeleteObject", "arn:aws:s3:::media/a")));
        Assert.Equal(PolicyDecision.Allow, Evaluate(AllowEverything, bucket, Make(Bob, "s3:DeleteObject", "arn:aws:s3:::media/a")));
    }

    [Fact]
    public void A_deny_in_an_identity_policy_beats_an_allow_in_the_bucket_policy()
    {
        const string identity = """{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::media/*"}}""";
        const string bucket = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::media/*"}}""";
        Assert.Equal(PolicyDecision.ExplicitDeny, Evaluate(identity, bucket, Make(Alice, "s3:GetObject", "arn:aws:s3:::media/a")));
        Assert.Equal(PolicyDecision.Allow, Evaluate(null, bucket, Make(Alice, "s3:GetObject", "arn:aws:s3:::media/a")));
    }

    [Fact]
    public void A_deny_in_a_later_identity_policy_beats_an_allow_in_an_earlier_one()
    {
        var allow = PolicyDocument.Parse(AllowEverything, PolicyKind.Identity);
        var deny = PolicyDocument.Parse("""{"Statement":{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}}""", PolicyKind.Identity);
        Assert.Equal(PolicyDecision.ExplicitDeny, PolicyEvaluator.Evaluate([allow, deny], null, Make(Alice, "s3:PutBucketPolicy", "arn:aws:s3:::b")));
        Assert.Equal(PolicyDecision.Allow, PolicyEvaluator.Evaluate([allow, deny], null, Make(Alice, "s3:PutObject", "arn:aws:s3:::b/k")));
    }

    [Fact]
    public void With_no_policy_at_all_the_request_is_implicitly_denied() =>
        Assert.Equal(PolicyDecision.ImplicitDeny, PolicyEvaluator.Evaluate([], null, Make(Alice, "s3:GetObject", "arn:aws:s3:::b/k")));

    // IAM "NotAction": allow everything in S3 except deleting buckets.
    [Theory]
    [InlineData("s3:PutObject", PolicyDecision.Allow)]
    [InlineData("s3:DeleteBucketPolicy", PolicyDecision.Allow)]
    [InlineData("s3:DeleteBucket", PolicyDecision.ImplicitDeny)]
    public void Not_action_allows_everything_but_the_listed_actions(string action, PolicyDecision expected)
    {
        const string policy = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}}""";
        Assert.Equal(expected, Evaluate(policy, null, Make(Alice, action, "arn:aws:s3:::b")));
    }

    // IAM "NotResource": deny everything outside the HR payroll folder.
    [Theory]
    [InlineData("arn:aws:s3:::HRBucket/Payroll", PolicyDecision.Allow)]
    [InlineData("arn:aws:s3:::HRBucket/Payroll/2024.csv", PolicyDecision.Allow)]
    [InlineData("arn:aws:s3:::HRBucket/Other/2024.csv", PolicyDecision.ExplicitDeny)]
    [InlineData("arn:aws:s3:::hrbucket/Payroll/2024.csv", PolicyDecision.ExplicitDeny)]
    public void Not_resource_denies_everything_outside_the_listed_resources(string resource, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:*","Resource":"*"},
              {"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}]}
            """;
        Assert.Equal(expected, Evaluate(policy, null, Make(Alice, "s3:GetObject", resource)));
    }
}

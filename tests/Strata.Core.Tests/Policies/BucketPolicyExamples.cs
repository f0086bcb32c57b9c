using Strata.Core.Policies;
using static Strata.Core.Tests.Policies.Requests;

namespace Strata.Core.Tests.Policies;

/// <summary>The examples of S3's "Bucket policy examples" and IAM's policy pages, with the outcomes they describe.</summary>
public sealed class BucketPolicyExamples
{
    // S3: "Granting read-only permission to a public anonymous user" (a static website bucket).
    private const string PublicRead = """
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "PublicReadGetObject",
              "Effect": "Allow",
              "Principal": "*",
              "Action": ["s3:GetObject"],
              "Resource": ["arn:aws:s3:::static/*"]
            }
          ]
        }
        """;

    [Theory]
    [InlineData(null, "s3:GetObject", "arn:aws:s3:::static/index.html", PolicyDecision.Allow)]
    [InlineData(null, "s3:GetObject", "arn:aws:s3:::static/css/deep/site.css", PolicyDecision.Allow)]
    [InlineData(Stranger, "s3:GetObject", "arn:aws:s3:::static/index.html", PolicyDecision.Allow)]
    [InlineData(null, "s3:getobject", "arn:aws:s3:::static/index.html", PolicyDecision.Allow)]
    [InlineData(null, "s3:PutObject", "arn:aws:s3:::static/index.html", PolicyDecision.ImplicitDeny)]
    [InlineData(null, "s3:GetObjectVersion", "arn:aws:s3:::static/index.html", PolicyDecision.ImplicitDeny)]
    [InlineData(null, "s3:ListBucket", "arn:aws:s3:::static", PolicyDecision.ImplicitDeny)]
    [InlineData(null, "s3:GetObject", "arn:aws:s3:::Static/index.html", PolicyDecision.ImplicitDeny)]
    [InlineData(null, "s3:GetObject", "arn:aws:s3:::static-private/index.html", PolicyDecision.ImplicitDeny)]
    public void A_public_read_bucket_serves_objects_to_anyone_and_nothing_else(string? principal, string action, string resource, PolicyDecision expected) =>
        Assert.Equal(expected, Evaluate(null, PublicRead, Make(principal, action, resource)));

    // S3: "Restricting access to HTTPS": Deny when aws:SecureTransport is false.
    private const string TlsOnly = """
        {
          "Version": "2012-10-17",
          "Statement": [{
            "Sid": "RestrictToTLSRequestsOnly",
            "Action": "s3:*",
            "Effect": "Deny",
            "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
            "Principal": "*"
          }]
        }
        """;

    [Theory]
    [InlineData("false", PolicyDecision.ExplicitDeny)]
    [InlineData("true", PolicyDecision.Allow)]
    [InlineData(null, PolicyDecision.Allow)] // IAM: a missing key makes Bool false, so the Deny does not apply.
    public void Requests_over_http_are_denied(string? secureTransport, PolicyDecision expected)
    {
        var context = secureTransport is null
            ? Make(Alice, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a.txt")
            : Make(Alice, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a.txt", ("aws:SecureTransport", secureTransport));
        Assert.Equal(expected, Evaluate(AllowEverything, TlsOnly, context));
    }

    // S3: "Restricting access to specific IP addresses": 54.240.143.0/24 except 54.240.143.188, and its IPv6 form.
    private const string IpAllowList = """
        {
          "Version": "2012-10-17",
          "Id": "S3PolicyId1",
          "Statement": [{
            "Sid": "IPAllow",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": ["arn:aws:s3:::amzn-s3-demo-bucket", "arn:aws:s3:::amzn-s3-demo-bucket/*"],
            "Condition": {
              "IpAddress": { "aws:SourceIp": ["54.240.143.0/24", "2001:DB8:1234:5678::/64"] },
              "NotIpAddress": { "aws:SourceIp": ["54.240.143.188/32", "2001:DB8:1234:5678:ABCD::/80"] }
            }
          }]
        }
        """;

    [Theory]
    [InlineData("54.240.143.1", PolicyDecision.Allow)]
    [InlineData("54.240.143.255", PolicyDecision.Allow)]
    [InlineData("54.240.143.188", PolicyDecision.ImplicitDeny)]
    [InlineData("54.240.144.1", PolicyDecision.ImplicitDeny)]
    [InlineData("::ffff:54.240.143.7", PolicyDecision.Allow)]
    [InlineData("2001:db8:1234:5678::1", PolicyDecision.Allow)]
    [InlineData("2001:db8:1234:5678:abcd::1", PolicyDecision.ImplicitDeny)]
    [InlineData("2001:db8:1234:5679::1", PolicyDecision.ImplicitDeny)]
    [InlineData("not an address", PolicyDecision.ImplicitDeny)]
    public void The_ip_allow_list_admits_the_range_but_not_its_exception(string sourceIp, PolicyDecision expected) =>
        Assert.Equal(expected, Evaluate(null, IpAllowList,
            Make(null, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a.txt", ("aws:SourceIp", sourceIp))));

    [Fact]
    public void Without_a_source_ip_the_ip_allow_list_grants_nothing() =>
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(null, IpAllowList, Make(null, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/a.txt")));

    // The deny form: everyone outside 192.0.2.0/24 is refused, whatever their identity policies grant.
    [Theory]
    [InlineData("192.0.2.10", PolicyDecision.Allow)]
    [InlineData("198.51.100.1", PolicyDecision.ExplicitDeny)]
    public void Not_ip_address_denies_everyone_outside_the_range(string sourceIp, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*",
              "Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}}]}
            """;
        Assert.Equal(expected, Evaluate(AllowEverything, policy, Make(Alice, "s3:PutObject", "arn:aws:s3:::b/k", ("aws:SourceIp", sourceIp))));
    }

    // S3: "Restricting access to a specific VPC endpoint" — Deny with StringNotEquals. IAM: "If the policy condition
    // requires that the key is not matched ... and the right key is not present, the condition is true."
    [Theory]
    [InlineData("vpce-1a2b3c4d", PolicyDecision.Allow)]
    [InlineData("vpce-ffffffff", PolicyDecision.ExplicitDeny)]
    [InlineData(null, PolicyDecision.ExplicitDeny)]
    public void A_negated_condition_on_a_missing_key_holds(string? endpoint, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Id":"Policy1415115909152","Statement":[{"Sid":"Access-to-specific-VPCE-only",
              "Principal":"*","Action":"s3:*","Effect":"Deny",
              "Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],
              "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}
            """;
        var context = endpoint is null
            ? Make(Alice, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k")
            : Make(Alice, "s3:GetObject", "arn:aws:s3:::amzn-s3-demo-bucket/k", ("aws:SourceVpce", endpoint));
        Assert.Equal(expected, Evaluate(AllowEverything, policy, context));
    }

    // S3: a bucket policy that refuses uploads without server-side encryption uses the Null operator.
    [Theory]
    [InlineData(null, PolicyDecision.ExplicitDeny)]
    [InlineData("AES256", PolicyDecision.Allow)]
    public void Null_denies_uploads_that_lack_the_encryption_header(string? encryption, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[{"Sid":"DenyUnencryptedObjectUploads","Effect":"Deny","Principal":"*",
              "Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*",
              "Condition":{"Null":{"s3:x-amz-server-side-encryption":"true"}}}]}
            """;
        var context = encryption is null
            ? Make(Alice, "s3:PutObject", "arn:aws:s3:::b/k")
            : Make(Alice, "s3:PutObject", "arn:aws:s3:::b/k", ("s3:x-amz-server-side-encryption", encryption));
        Assert.Equal(expected, Evaluate(AllowEverything, policy, context));
    }

    // Principal by account id, by account root ARN, and by user ARN.
    [Theory]
    [InlineData("\"111122223333\"", Alice, PolicyDecision.Allow)]
    [InlineData("\"111122223333\"", Stranger, PolicyDecision.ImplicitDeny)]
    [InlineData("\"111122223333\"", null, PolicyDecision.ImplicitDeny)]
    [InlineData("\"arn:aws:iam::111122223333:root\"", Bob, PolicyDecision.Allow)]
    [InlineData("\"arn:aws:iam::111122223333:root\"", Root, PolicyDecision.Allow)]
    [InlineData("[\"arn:aws:iam::111122223333:user/Alice\"]", Alice, PolicyDecision.Allow)]
    [InlineData("[\"arn:aws:iam::111122223333:user/Alice\"]", Bob, PolicyDecision.ImplicitDeny)]
    [InlineData("[\"arn:aws:iam::111122223333:user/Alice\"]", "arn:aws:iam::111122223333:user/alice", PolicyDecision.ImplicitDeny)]
    [InlineData("[\"arn:aws:iam::444455556666:user/Mallory\", \"*\"]", null, PolicyDecision.Allow)]
    public void Principals_match_by_account_or_by_exact_arn(string aws, string? principal, PolicyDecision expected)
    {
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":{{aws}}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}
            """;
        Assert.Equal(expected, Evaluate(null, policy, Make(principal, "s3:GetObject", "arn:aws:s3:::b/k")));
    }

    // IAM "NotPrincipal": deny everyone except the listed principal.
    [Theory]
    [InlineData(Bob, PolicyDecision.Allow)]
    [InlineData(Alice, PolicyDecision.ExplicitDeny)]
    [InlineData(null, PolicyDecision.ExplicitDeny)]
    public void Not_principal_denies_everyone_but_the_named_user(string? principal, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/Bob"]},
              "Action":"s3:*","Resource":["arn:aws:s3:::payroll","arn:aws:s3:::payroll/*"]}]}
            """;
        var identity = principal is null ? null : AllowEverything;
        var decision = Evaluate(identity, policy, Make(principal, "s3:GetObject", "arn:aws:s3:::payroll/2024.csv"));
        Assert.Equal(expected, decision);
    }
}

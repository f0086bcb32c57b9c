using Strata.Core.Policies;

namespace Strata.Core.Tests.Policies;

/// <summary>Documents S3 and IAM refuse with MalformedPolicy, and the shapes they accept.</summary>
public sealed class MalformedPolicies
{
    private const string Ok = """{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}""";

    [Theory]
    [InlineData("not json", "Policies must be valid JSON")]
    [InlineData("", "Policies must be valid JSON")]
    [InlineData("[]", "Policies must be valid JSON")]
    [InlineData("\"Statement\"", "Policies must be valid JSON")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",}]}""", "Policies must be valid JSON")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]} // note""", "Policies must be valid JSON")]
    [InlineData("""{"Version":"2012-10-17"}""", "Missing required field Statement")]
    [InlineData("""{"Version":"2012-10-17","Statement":[]}""", "Missing required field Statement")]
    [InlineData("""{"Version":"2020-01-01","Statement":[OK]}""", "invalid Version")]
    [InlineData("""{"Version":20121017,"Statement":[OK]}""", "invalid Version")]
    [InlineData("""{"Statement":[OK],"Comment":"x"}""", "Unknown field Comment")]
    [InlineData("""{"Statement":[OK],"Statement":[OK]}""", "Duplicate field Statement")]
    [InlineData("""{"Statement":"s3:*"}""", "must be a JSON object")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Actions":"s3:GetObject","Resource":"*"}]}""", "Unknown field Actions")]
    [InlineData("""{"Statement":[{"Principal":"*","Action":"s3:GetObject","Resource":"*"}]}""", "Missing required field Effect")]
    [InlineData("""{"Statement":[{"Effect":"allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}""", "Invalid effect")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}""", "Duplicate field Effect")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Resource":"*"}]}""", "Missing required field Action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","NotAction":"s3:PutObject","Resource":"*"}]}""", "both Action and NotAction")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"GetObject","Resource":"*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ec2:*","Resource":"*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:Get Object","Resource":"*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:","Resource":"*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":[],"Resource":"*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:GetObject",7],"Resource":"*"}]}""", "Policy has invalid action")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}]}""", "Missing required field Resource")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","NotResource":"*"}]}""", "both Resource and NotResource")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"b/*"}]}""", "Policy has invalid resource")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::"}]}""", "Policy has invalid resource")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:iam::111122223333:user/x"}]}""", "Policy has invalid resource")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}""", "Missing required field Principal")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","NotPrincipal":"*","Action":"s3:GetObject","Resource":"*"}]}""", "both Principal and NotPrincipal")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"Bob","Action":"s3:GetObject","Resource":"*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/*"},"Action":"s3:GetObject","Resource":"*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"s3:GetObject","Resource":"*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::11112222333:root"},"Action":"s3:GetObject","Resource":"*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"AWS":"1111222233334"},"Action":"s3:GetObject","Resource":"*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":{},"Action":"s3:GetObject","Resource":"*"}]}""", "Invalid principal in policy")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualz":{"k":"v"}}}]}""", "Invalid Condition type : StringEqualz")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"stringequals":{"k":"v"}}}]}""", "Invalid Condition type")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"NullIfExists":{"k":"true"}}}]}""", "Invalid Condition type")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"k":"v"}}}]}""", "Invalid Condition type")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"BinaryEquals":{"k":"QmluYXJ5"}}}]}""", "Invalid Condition type")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{}}}]}""", "no condition key")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"k":{"v":1}}}}]}""", "Invalid value for condition")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"k":[]}}}]}""", "Invalid value for condition")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}}]}""", "Invalid value for condition NumericLessThan")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"yesterday"}}}]}""", "Invalid value for condition DateGreaterThan")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"yes"}}}]}""", "Invalid value for condition Bool")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"300.1.1.1/8"}}}]}""", "Invalid value for condition IpAddress")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}""", "Invalid value for condition IpAddress")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.1/16"}}}]}""", "Invalid value for condition IpAddress")]
    [InlineData("""{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Null":{"k":"maybe"}}}]}""", "Invalid value for condition Null")]
    public void Malformed_bucket_policies_are_refused(string json, string message)
    {
        var error = Assert.Throws<StrataException>(() => PolicyDocument.Parse(json.Replace("OK", Ok, StringComparison.Ordinal), PolicyKind.Resource));
        Assert.Equal(StrataError.MalformedPolicy, error.Error);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_identity_policy_must_not_name_a_principal()
    {
        var error = Assert.Throws<StrataException>(() => PolicyDocument.Parse($$"""{"Statement":[{{Ok}}]}""", PolicyKind.Identity));
        Assert.Equal(StrataError.MalformedPolicy, error.Error);
        Assert.Contains("should not specify a principal", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bucket_policy_over_20_kilobytes_is_refused()
    {
        var statements = string.Join(",", Enumerable.Repeat(Ok, 20 * 1024 / Ok.Length + 1));
        var json = $$"""{"Statement":[{{statements}}]}""";
        Assert.True(json.Length > 20 * 1024);
        var error = Assert.Throws<StrataException>(() => PolicyDocument.Parse(json, PolicyKind.Resource));
        Assert.Equal(StrataError.MalformedPolicy, error.Error);
    }

    [Fact]
    public void An_identity_policy_over_6144_characters_is_refused_but_white_space_does_not_count()
    {
        const string statement = """{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}""";
        var json = $$"""{"Statement":[{{string.Join(",", Enumerable.Repeat(statement, 6144 / statement.Length + 1))}}]}""";
        Assert.Equal(StrataError.MalformedPolicy, Assert.Throws<StrataException>(() => PolicyDocument.Parse(json, PolicyKind.Identity)).Error);

        var padded = $$"""{"Statement":[{{statement}}]}""" + new string(' ', 7000);
        Assert.Equal(1, PolicyDocument.Parse(padded, PolicyKind.Identity).StatementCount);
    }

    [Fact]
    public void Deeply_nested_json_is_refused_without_recursing_into_it()
    {
        var json = """{"Statement":[""" + Ok.TrimEnd('}') + ""","Condition":{"StringEquals":{"k":""" +
            new string('[', 100) + "\"v\"" + new string(']', 100) + "}}}]}";
        Assert.Equal(StrataError.MalformedPolicy, Assert.Throws<StrataException>(() => PolicyDocument.Parse(json, PolicyKind.Resource)).Error);
    }

    [Fact]
    public void The_accepted_shapes_parse()
    {
        // One statement as an object, no Version, an Id, Sids, principals as account id, root ARN and user ARN,
        // condition values as a boolean and a number, and set qualifiers.
        const string json = """
            {
              "Id": "Policy1",
              "Statement": {
                "Sid": "1",
                "Effect": "Deny",
                "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:root", "arn:aws:iam::444455556666:user/Ann"]},
                "NotAction": ["s3:Get*", "*"],
                "NotResource": "arn:aws:s3:::b/public/*",
                "Condition": {
                  "Bool": {"aws:SecureTransport": false},
                  "NumericGreaterThan": {"s3:max-keys": 1000},
                  "ForAllValues:StringLikeIfExists": {"s3:RequestObjectTagKeys": ["a*", "b?"]},
                  "IpAddress": {"aws:SourceIp": ["192.0.2.0/24", "2001:DB8::/32", "203.0.113.9"]}
                }
              }
            }
            """;
        var policy = PolicyDocument.Parse(json, PolicyKind.Resource);
        Assert.Equal("Policy1", policy.Id);
        Assert.Null(policy.Version);
        Assert.Equal(1, policy.StatementCount);
        Assert.Equal("2012-10-17", PolicyDocument.Parse("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}""", PolicyKind.Identity).Version);
    }

    [Fact]
    public void Policies_of_the_wrong_kind_are_a_caller_bug()
    {
        var bucket = PolicyDocument.Parse($$"""{"Statement":[{{Ok}}]}""", PolicyKind.Resource);
        var context = Requests.Make(null, "s3:GetObject", "arn:aws:s3:::b/k");
        Assert.Throws<ArgumentException>(() => PolicyEvaluator.Evaluate([bucket], null, context));
    }
}

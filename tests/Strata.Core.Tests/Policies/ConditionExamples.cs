using Strata.Core.Policies;
using static Strata.Core.Tests.Policies.Requests;

namespace Strata.Core.Tests.Policies;

/// <summary>Condition examples from the S3 guide ("Bucket policy examples using condition keys") and IAM's.</summary>
public sealed class ConditionExamples
{
    // IAM "Variables and tags": each user lists and reads only their own home folder.
    private const string HomeFolders = """
        {
          "Version": "2012-10-17",
          "Statement": [
            { "Action": ["s3:ListBucket"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket"],
              "Condition": { "StringLike": { "s3:prefix": ["${aws:username}/*"] } } },
            { "Action": ["s3:GetObject", "s3:PutObject"], "Effect": "Allow", "Resource": ["arn:aws:s3:::mybucket/${aws:username}/*"] }
          ]
        }
        """;

    [Theory]
    [InlineData("David", "s3:ListBucket", "arn:aws:s3:::mybucket", "David/photos/", PolicyDecision.Allow)]
    [InlineData("David", "s3:ListBucket", "arn:aws:s3:::mybucket", "Adele/", PolicyDecision.ImplicitDeny)]
    [InlineData("David", "s3:ListBucket", "arn:aws:s3:::mybucket", null, PolicyDecision.ImplicitDeny)]
    [InlineData("David", "s3:GetObject", "arn:aws:s3:::mybucket/David/a.txt", null, PolicyDecision.Allow)]
    [InlineData("David", "s3:GetObject", "arn:aws:s3:::mybucket/Adele/a.txt", null, PolicyDecision.ImplicitDeny)]
    [InlineData(null, "s3:GetObject", "arn:aws:s3:::mybucket/David/a.txt", null, PolicyDecision.ImplicitDeny)]
    [InlineData(null, "s3:ListBucket", "arn:aws:s3:::mybucket", "David/", PolicyDecision.ImplicitDeny)]
    public void Home_folders_use_the_username_variable_in_resource_and_prefix(string? username, string action, string resource, string? prefix, PolicyDecision expected)
    {
        var conditions = new List<(string, string)>();
        if (username is not null) conditions.Add(("aws:username", username));
        if (prefix is not null) conditions.Add(("s3:prefix", prefix));
        Assert.Equal(expected, Evaluate(HomeFolders, null, Make(Alice, action, resource, [.. conditions])));
    }

    [Fact]
    public void Without_version_2012_10_17_a_variable_is_literal_text()
    {
        var old = HomeFolders.Replace("\"Version\": \"2012-10-17\",", "", StringComparison.Ordinal);
        Assert.Equal(PolicyDecision.ImplicitDeny, Evaluate(old, null, Make(Alice, "s3:GetObject", "arn:aws:s3:::mybucket/David/a.txt", ("aws:username", "David"))));
        Assert.Equal(PolicyDecision.Allow, Evaluate(old, null, Make(Alice, "s3:GetObject", "arn:aws:s3:::mybucket/${aws:username}/a.txt", ("aws:username", "David"))));
    }

    [Theory]
    [InlineData("arn:aws:s3:::b/guest/a", false)]
    [InlineData("arn:aws:s3:::b/*/a", true)]
    [InlineData("arn:aws:s3:::b/x/a", false)]
    public void Default_values_and_escapes_in_variables(string resource, bool escapedStarMatches)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username, 'guest'}/a"},
              {"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/${*}/a"}]}
            """;
        Assert.Equal(resource.EndsWith("guest/a", StringComparison.Ordinal) ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny,
            Evaluate(policy, null, Make(Alice, "s3:GetObject", resource)));
        Assert.Equal(escapedStarMatches ? PolicyDecision.Allow : PolicyDecision.ImplicitDeny,
            Evaluate(policy, null, Make(Alice, "s3:PutObject", resource)));
    }

    // S3: "Limiting the number of keys a listing returns": s3:max-keys with NumericLessThanEquals.
    [Theory]
    [InlineData("10", PolicyDecision.Allow)]
    [InlineData("3", PolicyDecision.Allow)]
    [InlineData("11", PolicyDecision.ImplicitDeny)]
    [InlineData("ten", PolicyDecision.ImplicitDeny)]
    [InlineData(null, PolicyDecision.ImplicitDeny)]
    public void Max_keys_caps_listings(string? maxKeys, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[{"Sid":"example","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Bob"},
              "Action":"s3:ListBucket","Resource":"arn:aws:s3:::amzn-s3-demo-bucket",
              "Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}]}
            """;
        var context = maxKeys is null
            ? Make(Bob, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket")
            : Make(Bob, "s3:ListBucket", "arn:aws:s3:::amzn-s3-demo-bucket", ("s3:max-keys", maxKeys));
        Assert.Equal(expected, Evaluate(null, policy, context));
    }

    // IAM: "Allows access based on date and time" — between 2020-04-01 and 2020-06-30 (UTC).
    [Theory]
    [InlineData("2020-04-01T00:00:01Z", PolicyDecision.Allow)]
    [InlineData("2020-05-15T12:00:00+02:00", PolicyDecision.Allow)]
    [InlineData("1589544000", PolicyDecision.Allow)] // epoch seconds, 2020-05-15T12:00:00Z
    [InlineData("2020-04-01T00:00:00Z", PolicyDecision.ImplicitDeny)] // DateGreaterThan is strict
    [InlineData("2020-07-01T00:00:00Z", PolicyDecision.ImplicitDeny)]
    [InlineData("2019-12-31T23:59:59Z", PolicyDecision.ImplicitDeny)]
    public void Current_time_limits_access_to_a_window(string now, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*",
              "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-04-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2020-06-30T23:59:59Z"}}}]}
            """;
        Assert.Equal(expected, Evaluate(policy, null, Make(Alice, "s3:GetObject", "arn:aws:s3:::b/k", ("aws:CurrentTime", now))));
    }

    // IAM "...IfExists": "If the key is not present, evaluate the condition element as true."
    [Theory]
    [InlineData(null, PolicyDecision.Allow)]
    [InlineData("STANDARD", PolicyDecision.Allow)]
    [InlineData("GLACIER", PolicyDecision.ImplicitDeny)]
    public void If_exists_holds_when_the_key_is_missing(string? storageClass, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*",
              "Condition":{"StringEqualsIfExists":{"s3:x-amz-storage-class":["STANDARD","STANDARD_IA"]}}}]}
            """;
        var context = storageClass is null
            ? Make(Alice, "s3:PutObject", "arn:aws:s3:::b/k")
            : Make(Alice, "s3:PutObject", "arn:aws:s3:::b/k", ("s3:x-amz-storage-class", storageClass));
        Assert.Equal(expected, Evaluate(policy, null, context));
    }

    [Fact]
    public void Condition_key_names_are_case_insensitive()
    {
        const string policy = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"AWS:securetransport":true}}}}""";
        Assert.Equal(PolicyDecision.Allow, Evaluate(policy, null, Make(Alice, "s3:GetObject", "arn:aws:s3:::b/k", ("aws:SecureTransport", "true"))));
        // Also when the server's dictionary is not case-insensitive itself.
        var plain = new Dictionary<string, IReadOnlyList<string>> { ["aws:SecureTransport"] = ["true"] };
        var context = new RequestContext(Alice, "s3:GetObject", "arn:aws:s3:::b/k", plain);
        Assert.Equal(PolicyDecision.Allow, PolicyEvaluator.Evaluate([PolicyDocument.Parse(policy, PolicyKind.Identity)], null, context));
    }

    // IAM "Multivalued context keys": a Deny with ForAllValues:StringNotLike on the request's tag keys.
    [Theory]
    [InlineData(new[] { "key1:legal" }, PolicyDecision.Allow)]
    [InlineData(new[] { "key1:hr", "key1:personnel" }, PolicyDecision.Allow)]
    [InlineData(new[] { "key2:audit" }, PolicyDecision.ExplicitDeny)]
    [InlineData(new string[0], PolicyDecision.ExplicitDeny)] // "also returns true if there are no context keys in the request"
    public void For_all_values_tests_every_request_value(string[] tagKeys, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*"},
              {"Sid":"DenyRestrictedTags","Effect":"Deny","Action":"s3:PutObjectTagging","Resource":["*"],
               "Condition":{"ForAllValues:StringNotLike":{"s3:RequestObjectTagKeys":"key1*"}}}]}
            """;
        var context = Make(Alice, "s3:PutObjectTagging", "arn:aws:s3:::b/k", [.. tagKeys.Select(k => ("s3:RequestObjectTagKeys", k))]);
        Assert.Equal(expected, Evaluate(policy, null, context));
    }

    [Theory]
    [InlineData(new[] { "project", "owner" }, PolicyDecision.Allow)]
    [InlineData(new[] { "owner" }, PolicyDecision.ImplicitDeny)]
    [InlineData(new string[0], PolicyDecision.ImplicitDeny)] // ForAnyValue is false without values
    public void For_any_value_needs_one_matching_request_value(string[] tagKeys, PolicyDecision expected)
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:PutObjectTagging","Resource":"*",
              "Condition":{"ForAnyValue:StringEquals":{"s3:RequestObjectTagKeys":["project","cost-center"]}}}}
            """;
        var context = Make(Alice, "s3:PutObjectTagging", "arn:aws:s3:::b/k", [.. tagKeys.Select(k => ("s3:RequestObjectTagKeys", k))]);
        Assert.Equal(expected, Evaluate(policy, null, context));
    }
}

using Strata.Core.Policies;
using static Strata.Core.Tests.Policies.Requests;

namespace Strata.Core.Tests.Policies;

/// <summary>IAM "Condition operators", one row per rule: operator, policy value(s), request value, does it hold.</summary>
public sealed class ConditionOperators
{
    [Theory]
    // String: exact and case-sensitive; IgnoreCase; Like with * and ?; values OR-ed, negations NOR-ed.
    [InlineData("StringEquals", "\"john\"", "john", true)]
    [InlineData("StringEquals", "\"john\"", "John", false)]
    [InlineData("StringEquals", "\"jo*\"", "john", false)]
    [InlineData("StringEquals", "[\"ann\",\"john\"]", "john", true)]
    [InlineData("StringNotEquals", "[\"ann\",\"john\"]", "john", false)]
    [InlineData("StringNotEquals", "[\"ann\",\"john\"]", "bob", true)]
    [InlineData("StringEqualsIgnoreCase", "\"john\"", "JOHN", true)]
    [InlineData("StringNotEqualsIgnoreCase", "\"john\"", "JOHN", false)]
    [InlineData("StringLike", "\"home/*\"", "home/a/b", true)]
    [InlineData("StringLike", "\"home/?\"", "home/ab", false)]
    [InlineData("StringLike", "\"*.jpg\"", "a.JPG", false)]
    [InlineData("StringNotLike", "\"*.jpg\"", "a.png", true)]
    [InlineData("StringEquals", "42", "42", true)]
    // Numeric.
    [InlineData("NumericEquals", "\"10\"", "10.0", true)]
    [InlineData("NumericNotEquals", "10", "10", false)]
    [InlineData("NumericLessThan", "\"10\"", "9", true)]
    [InlineData("NumericLessThan", "\"10\"", "10", false)]
    [InlineData("NumericLessThanEquals", "\"10\"", "10", true)]
    [InlineData("NumericGreaterThan", "\"10\"", "11", true)]
    [InlineData("NumericGreaterThanEquals", "\"10\"", "9", false)]
    [InlineData("NumericEquals", "\"10\"", "x", false)]
    // Date: ISO 8601 or epoch seconds, either side.
    [InlineData("DateEquals", "\"2020-01-01T00:00:00Z\"", "1577836800", true)]
    [InlineData("DateNotEquals", "\"2020-01-01T00:00:00Z\"", "2020-01-01T00:00:00Z", false)]
    [InlineData("DateLessThan", "\"1577836800\"", "2019-12-31T23:59:59Z", true)]
    [InlineData("DateLessThanEquals", "\"2020-01-01\"", "2020-01-01T00:00:00Z", true)]
    [InlineData("DateGreaterThanEquals", "\"2020-01-01T00:00:00Z\"", "2019-01-01T00:00:00Z", false)]
    // Bool.
    [InlineData("Bool", "true", "true", true)]
    [InlineData("Bool", "\"false\"", "False", true)]
    [InlineData("Bool", "\"true\"", "false", false)]
    // IP: bare addresses are /32.
    [InlineData("IpAddress", "\"203.0.113.7\"", "203.0.113.7", true)]
    [InlineData("IpAddress", "\"203.0.113.7\"", "203.0.113.8", false)]
    [InlineData("IpAddress", "\"0.0.0.0/0\"", "8.8.8.8", true)]
    [InlineData("IpAddress", "\"0.0.0.0/0\"", "2001:db8::1", false)]
    [InlineData("NotIpAddress", "\"10.0.0.0/8\"", "10.1.2.3", false)]
    [InlineData("IpAddress", "\"::/0\"", "2001:db8::1", true)]
    // ARN: each of the six components separately, wildcards in each.
    [InlineData("ArnLike", "\"arn:aws:iam::111122223333:user/*\"", Alice, true)]
    [InlineData("ArnEquals", "\"arn:aws:iam::*:user/Alice\"", Alice, true)]
    [InlineData("ArnLike", "\"arn:*:iam::111122223333:user/Alice\"", "arn:aws:x:iam::111122223333:user/Alice", false)]
    [InlineData("ArnLike", "\"arn:aws:iam::111122223333:user/*\"", Stranger, false)]
    [InlineData("ArnNotLike", "\"arn:aws:iam::111122223333:*\"", Stranger, true)]
    [InlineData("ArnLike", "\"arn:aws:iam::111122223333:user/*\"", "not-an-arn", false)]
    // Null: true asks for absence.
    [InlineData("Null", "\"false\"", "anything", true)]
    [InlineData("Null", "\"true\"", "anything", false)]
    public void Operator_rows(string op, string policyValues, string requestValue, bool holds) =>
        Assert.Equal(holds, Holds(op, policyValues, requestValue));

    // IAM: a missing key makes a condition false, except negated operators (true), ...IfExists (true) and Null.
    [Theory]
    [InlineData("StringEquals", "\"x\"", false)]
    [InlineData("StringNotEquals", "\"x\"", true)]
    [InlineData("StringNotEqualsIgnoreCase", "\"x\"", true)]
    [InlineData("StringLike", "\"*\"", false)]
    [InlineData("StringNotLike", "\"x*\"", true)]
    [InlineData("NumericEquals", "1", false)]
    [InlineData("NumericNotEquals", "1", true)]
    [InlineData("NumericLessThan", "1", false)]
    [InlineData("DateNotEquals", "\"2020-01-01T00:00:00Z\"", true)]
    [InlineData("DateGreaterThan", "\"2020-01-01T00:00:00Z\"", false)]
    [InlineData("Bool", "false", false)]
    [InlineData("IpAddress", "\"0.0.0.0/0\"", false)]
    [InlineData("NotIpAddress", "\"10.0.0.0/8\"", true)]
    [InlineData("ArnLike", "\"arn:*:*:*:*:*\"", false)]
    [InlineData("ArnNotEquals", "\"arn:aws:iam::111122223333:root\"", true)]
    [InlineData("StringEqualsIfExists", "\"x\"", true)]
    [InlineData("NumericLessThanIfExists", "1", true)]
    [InlineData("BoolIfExists", "false", true)]
    [InlineData("Null", "true", true)]
    [InlineData("Null", "false", false)]
    [InlineData("ForAllValues:StringEquals", "\"x\"", true)]
    [InlineData("ForAnyValue:StringEquals", "\"x\"", false)]
    public void A_missing_key(string op, string policyValues, bool holds) =>
        Assert.Equal(holds, Holds(op, policyValues, requestValue: null));

    [Fact]
    public void Operators_are_and_ed_and_keys_under_one_operator_too()
    {
        const string policy = """
            {"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*",
              "Condition":{"StringEquals":{"s3:prefix":"home/","s3:delimiter":"/"},"NumericLessThanEquals":{"s3:max-keys":"100"}}}}
            """;
        PolicyDecision Decide(params (string, string)[] values) => Evaluate(policy, null, Make(Alice, "s3:ListBucket", "arn:aws:s3:::b", values));
        Assert.Equal(PolicyDecision.Allow, Decide(("s3:prefix", "home/"), ("s3:delimiter", "/"), ("s3:max-keys", "100")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Decide(("s3:prefix", "home/"), ("s3:max-keys", "100")));
        Assert.Equal(PolicyDecision.ImplicitDeny, Decide(("s3:prefix", "home/"), ("s3:delimiter", "/"), ("s3:max-keys", "1000")));
    }

    [Fact]
    public void A_variable_with_no_value_never_satisfies_a_negated_operator()
    {
        // Read as "deny unless the tag equals the caller's name": with no username, the statement is invalid, not a match.
        const string policy = """
            {"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*",
              "Condition":{"StringNotEquals":{"s3:ExistingObjectTag/owner":"${aws:username}"}}}}
            """;
        Assert.False(HoldsIn(policy, Make(Alice, "s3:GetObject", "arn:aws:s3:::b/k", ("s3:ExistingObjectTag/owner", "Alice"))));
        Assert.True(HoldsIn(policy, Make(Alice, "s3:GetObject", "arn:aws:s3:::b/k", ("s3:ExistingObjectTag/owner", "Bob"), ("aws:username", "Alice"))));
    }

    private static bool Holds(string op, string policyValues, string? requestValue)
    {
        var policy = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{""" +
            $"\"{op}\":{{\"test:key\":{policyValues}}}" + "}}}";
        var context = requestValue is null
            ? Make(Alice, "s3:GetObject", "arn:aws:s3:::b/k")
            : Make(Alice, "s3:GetObject", "arn:aws:s3:::b/k", ("test:key", requestValue));
        return Evaluate(policy, null, context) == PolicyDecision.Allow;
    }

    private static bool HoldsIn(string denyPolicy, RequestContext context) =>
        Evaluate(denyPolicy, null, context) == PolicyDecision.ExplicitDeny;
}

using System.Text;
using Strata.Core.PostPolicy;

namespace Strata.Core.Tests.PostPolicy;

/// <summary>S3's "Creating a POST policy": parsing, each condition, expiry and the extra-field rule, as tables.</summary>
public sealed class PostPolicies
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 3, 0, 0, TimeSpan.Zero);

    private static string Encode(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json));

    private static PostPolicyDocument Policy(string conditions, string expiration = "2026-11-26T04:00:00.000Z") =>
        PostPolicyDocument.Parse(Encode($$"""{ "expiration": "{{expiration}}", "conditions": [ {{conditions}} ] }"""));

    private static Dictionary<string, string> Form(params string[] pairs)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["bucket"] = "media" };
        for (var i = 0; i < pairs.Length; i += 2) fields[pairs[i]] = pairs[i + 1];
        return fields;
    }

    // S3's own example policy (POST Policy, "Example: Browser-Based Upload using HTTP POST").
    private const string UserEric = """
        {"bucket": "media"}, ["starts-with", "$key", "user/eric/"], {"acl": "private"},
        {"success_action_redirect": "https://media.example.com/ok.html"}, ["starts-with", "$Content-Type", "image/"],
        {"x-amz-meta-uuid": "14365123651274"}, ["starts-with", "$x-amz-meta-tag", ""], ["content-length-range", 1, 1048576]
        """;

    private static Dictionary<string, string> EricForm() => Form(
        "key", "user/eric/photo.jpg", "acl", "private", "success_action_redirect", "https://media.example.com/ok.html",
        "Content-Type", "image/jpeg", "x-amz-meta-uuid", "14365123651274", "x-amz-meta-tag", "holiday",
        "policy", "…", "x-amz-signature", "…");

    [Fact]
    public void A_form_that_meets_every_condition_is_accepted()
    {
        Assert.Null(Policy(UserEric).Evaluate(EricForm(), Now));
        Assert.Equal((1L, 1048576L), Policy(UserEric).LengthRange);
    }

    [Theory]
    [InlineData("key", "user/bob/photo.jpg", """["starts-with", "$key", "user/eric/"]""")]
    [InlineData("acl", "public-read", """["eq", "$acl", "private"]""")]
    [InlineData("Content-Type", "text/html", """["starts-with", "$Content-Type", "image/"]""")]
    [InlineData("Content-Type", "image/png, text/html", """["starts-with", "$Content-Type", "image/"]""")]
    [InlineData("x-amz-meta-uuid", "14365123651275", """["eq", "$x-amz-meta-uuid", "14365123651274"]""")]
    [InlineData("bucket", "other", """["eq", "$bucket", "media"]""")]
    [InlineData("success_action_redirect", "https://evil.example/", """["eq", "$success_action_redirect", "https://media.example.com/ok.html"]""")]
    public void Each_violated_condition_is_named_in_the_refusal(string field, string value, string condition)
    {
        var form = EricForm();
        form[field] = value;
        var refusal = Policy(UserEric).Evaluate(form, Now);
        Assert.Equal(new PostRefusal(StrataError.AccessDenied, "Invalid according to Policy: Policy Condition failed: " + condition), refusal);
    }

    [Theory]
    [InlineData("x-amz-meta-uuid")]
    [InlineData("acl")]
    public void A_field_a_condition_requires_may_not_be_left_out(string field)
    {
        var form = EricForm();
        form.Remove(field);
        Assert.Equal(StrataError.AccessDenied, Policy(UserEric).Evaluate(form, Now)?.Error);
    }

    [Fact]
    public void Starts_with_an_empty_prefix_allows_any_value_or_none()
    {
        var form = EricForm();
        form.Remove("x-amz-meta-tag");
        Assert.Null(Policy(UserEric).Evaluate(form, Now));
    }

    [Theory]
    [InlineData("x-amz-meta-extra")]
    [InlineData("Cache-Control")]
    [InlineData("x-amz-checksum-sha256")]
    public void A_field_no_condition_names_is_refused(string field)
    {
        var form = EricForm();
        form[field] = "anything";
        var refusal = Policy(UserEric).Evaluate(form, Now);
        Assert.Equal(new PostRefusal(StrataError.AccessDenied, "Invalid according to Policy: Extra input fields: " + field), refusal);
    }

    [Theory]
    [InlineData("x-ignore-tracking")]
    [InlineData("X-Amz-Signature")]
    [InlineData("signature")]
    [InlineData("AWSAccessKeyId")]
    [InlineData("policy")]
    public void Signature_fields_and_x_ignore_fields_need_no_condition(string field)
    {
        var form = EricForm();
        form[field] = "anything";
        Assert.Null(Policy(UserEric).Evaluate(form, Now));
    }

    [Fact]
    public void Condition_names_and_field_names_are_case_insensitive_values_are_not()
    {
        var policy = Policy("""{"bUcKeT": "media"}, ["StArTs-WiTh", "$KeY", "foo"], ["EQ", "$AcL", "private"]""");
        Assert.Null(policy.Evaluate(Form("kEy", "foo.txt", "ACL", "private"), Now));
        Assert.Equal(StrataError.AccessDenied, policy.Evaluate(Form("key", "FOO.txt", "acl", "private"), Now)?.Error);
        Assert.Equal(StrataError.AccessDenied, policy.Evaluate(Form("key", "foo.txt", "acl", "Private"), Now)?.Error);
    }

    [Theory]
    [InlineData("2026-11-26T02:59:59.000Z", true)]
    [InlineData("2026-11-26T03:00:00Z", true)]
    [InlineData("2026-11-26T03:00:01Z", false)]
    [InlineData("2026-11-26T03:00:00.5Z", false)]
    public void An_expired_policy_refuses_every_form(string expiration, bool expired)
    {
        var refusal = Policy("""["starts-with", "$key", ""]""", expiration).Evaluate(Form("key", "a"), Now);
        Assert.Equal(expired ? new PostRefusal(StrataError.AccessDenied, "Invalid according to Policy: Policy expired.") : null, refusal);
    }

    [Fact]
    public void The_tightest_of_several_length_ranges_applies()
    {
        Assert.Equal((0L, 10L), Policy("""["content-length-range", "0", "10"]""").LengthRange);
        var policy = Policy("""["content-length-range", 10, 100], ["content-length-range", 0, 50]""");
        Assert.Equal((10L, 50L), policy.LengthRange);
        Assert.Null(Policy("""{"bucket": "media"}""").LengthRange);
    }

    [Theory]
    [InlineData("""{ "conditions": [] }""", "Invalid Policy: Policy missing expiration.")]
    [InlineData("""{ "EXPIRATION": "2026-11-26T04:00:00Z", "conditions": [] }""", "Invalid Policy: Policy missing expiration.")]
    [InlineData("""{ "expiration": "2026-11-26T04:00:00Z" }""", "Invalid Policy: Policy missing conditions.")]
    [InlineData("""{ "expiration": "2026-11-26T04:00:00Z", "CONDITIONS": [] }""", "Invalid Policy: Policy missing conditions.")]
    [InlineData("""{ "expiration": "2026-11-26 04:00:00.123+00:00", "conditions": [] }""", "Invalid Policy: Invalid 'expiration' value: '2026-11-26 04:00:00.123+00:00'")]
    [InlineData("""{ "expiration": "2026-11-26T04:00:00Z", "conditions": [ {} ] }""", "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.")]
    [InlineData("""{ "expiration": "2026-11-26T04:00:00Z", "conditions": {} }""", "Invalid Policy: Invalid 'conditions' value: must be a List.")]
    [InlineData("not json", "Invalid Policy: Invalid JSON.")]
    public void A_malformed_policy_is_InvalidPolicyDocument(string json, string message)
    {
        var error = Assert.Throws<StrataException>(() => PostPolicyDocument.Parse(Encode(json)));
        Assert.Equal(StrataError.InvalidPolicyDocument, error.Error);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("""["content-length-range", 0]""")]
    [InlineData("""["content-length-range", -1, 0]""")]
    [InlineData("""["content-length-range", 10, 5]""")]
    [InlineData("""["content-length-range", "none", "10"]""")]
    [InlineData("""["content-length-range", 0, 1.5]""")]
    [InlineData("""["ends-with", "$key", "x"]""")]
    [InlineData("""["eq", "key", "x"]""")]
    [InlineData("""["starts-with", "$key"]""")]
    [InlineData("""{"acl": 5}""")]
    [InlineData("""42""")]
    public void A_malformed_condition_is_InvalidPolicyDocument(string condition)
    {
        var error = Assert.Throws<StrataException>(() => Policy(condition));
        Assert.Equal(StrataError.InvalidPolicyDocument, error.Error);
    }

    [Fact]
    public void A_policy_that_is_not_base64_is_InvalidPolicyDocument()
    {
        var error = Assert.Throws<StrataException>(() => PostPolicyDocument.Parse("{not base64}"));
        Assert.Equal(StrataError.InvalidPolicyDocument, error.Error);
    }
}

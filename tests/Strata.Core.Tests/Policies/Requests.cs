using Strata.Core.Policies;

namespace Strata.Core.Tests.Policies;

/// <summary>Builds request contexts and evaluates policies the way the server will.</summary>
internal static class Requests
{
    public const string Alice = "arn:aws:iam::111122223333:user/Alice";
    public const string Bob = "arn:aws:iam::111122223333:user/Bob";
    public const string Root = "arn:aws:iam::111122223333:root";
    public const string Stranger = "arn:aws:iam::444455556666:user/Mallory";

    public static RequestContext Make(string? principal, string action, string resource, params (string Key, string Value)[] conditions)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in conditions)
        {
            values[key] = values.TryGetValue(key, out var existing) ? [.. existing, value] : [value];
        }
        return new RequestContext(principal, action, resource, values);
    }

    public static PolicyDecision Evaluate(string? identityPolicy, string? bucketPolicy, RequestContext context) =>
        PolicyEvaluator.Evaluate(
            identityPolicy is null ? [] : [PolicyDocument.Parse(identityPolicy, PolicyKind.Identity)],
            bucketPolicy is null ? null : PolicyDocument.Parse(bucketPolicy, PolicyKind.Resource),
            context);

    /// <summary>An identity policy granting every S3 action, so a bucket policy's Deny is what the test observes.</summary>
    public const string AllowEverything = """{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}""";
}

using Strata.Core;
using Strata.Core.Policies;
using Strata.Core.PublicAccess;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetBucketPolicyStatus: whether the bucket's policy is public (S3's "meaning of public"). As S3, a bucket without
/// a policy answers 404 NoSuchBucketPolicy; ACLs play no part in the answer.
/// </summary>
internal static class BucketPolicyStatus
{
    public static async Task GetAsync(S3Context ctx)
    {
        var document = ctx.Engine.GetBucketPolicy(ctx.S3.RequireBucket()) ?? throw S3Fail.Exception(StrataError.NoSuchBucketPolicy);
        var isPublic = PublicPolicies.IsPublic(PolicyDocument.Parse(document, PolicyKind.Resource));
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "PolicyStatus", S3Xml.Namespace);
        await xml.ElementAsync("IsPublic", isPublic ? "true" : "false");
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }
}

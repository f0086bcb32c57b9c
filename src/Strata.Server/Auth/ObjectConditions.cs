using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Policies;
using Strata.Core.Tagging;
using Strata.Engine;
using Strata.Server.Routing;

namespace Strata.Server.Auth;

/// <summary>
/// The S3 condition keys of an object request ("Amazon S3 condition key examples", "Tagging and access control
/// policies"): those taken from its headers (s3:x-amz-acl, s3:x-amz-grant-*, s3:x-amz-copy-source,
/// s3:x-amz-metadata-directive), the tags it sets (s3:RequestObjectTag/&lt;key&gt;, s3:RequestObjectTagKeys) and the
/// tags the object already has (s3:ExistingObjectTag/&lt;key&gt;).
/// </summary>
internal static class ObjectConditions
{
    public const string ExistingObjectTag = "s3:ExistingObjectTag/";
    public const string RequestObjectTag = "s3:RequestObjectTag/";
    public const string RequestObjectTagKeys = "s3:RequestObjectTagKeys";

    private static readonly (string Header, string ConditionKey)[] HeaderKeys =
    [
        ("x-amz-acl", "s3:x-amz-acl"),
        ("x-amz-grant-read", "s3:x-amz-grant-read"),
        ("x-amz-grant-write", "s3:x-amz-grant-write"),
        ("x-amz-grant-read-acp", "s3:x-amz-grant-read-acp"),
        ("x-amz-grant-write-acp", "s3:x-amz-grant-write-acp"),
        ("x-amz-grant-full-control", "s3:x-amz-grant-full-control"),
        ("x-amz-metadata-directive", "s3:x-amz-metadata-directive"),
    ];

    // The actions the service authorization reference lists with s3:ExistingObjectTag/<key>: those on an object that
    // exists. PutObject and DeleteObject are not among them.
    private static readonly HashSet<string> ExistingTagActions = new(StringComparer.Ordinal)
    {
        "s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAcl", "s3:GetObjectVersionAcl", "s3:PutObjectAcl", "s3:PutObjectVersionAcl",
        "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObjectTagging", "s3:PutObjectVersionTagging",
        "s3:DeleteObjectTagging", "s3:DeleteObjectVersionTagging", "s3:GetObjectAttributes", "s3:GetObjectVersionAttributes",
        "s3:GetObjectRetention", "s3:PutObjectRetention", "s3:GetObjectLegalHold", "s3:PutObjectLegalHold",
    };

    private static readonly HashSet<string> RequestTagActions = new(StringComparer.Ordinal)
    {
        "s3:PutObject", "s3:PutObjectTagging", "s3:PutObjectVersionTagging",
    };

    /// <summary>s3:x-amz-* keys from the request's headers, as sent; x-amz-copy-source as "bucket/key" (decoded, no leading '/').</summary>
    public static void AddHeaders(Dictionary<string, IReadOnlyList<string>> values, HttpRequest request)
    {
        var headers = request.Headers;
        foreach (var (header, conditionKey) in HeaderKeys)
        {
            if (headers.TryGetValue(header, out var value) && value.Count > 0) values[conditionKey] = [value.ToString()];
        }
        if (headers.TryGetValue("x-amz-copy-source", out var source) && source.Count > 0)
        {
            values["s3:x-amz-copy-source"] = [S3Request.PercentDecode(source.ToString().Trim().TrimStart('/'))];
        }
    }

    /// <summary>
    /// The tags the request sets: <paramref name="requestTags"/> where the operation read them (a PutObjectTagging body,
    /// a POST form's field), else x-amz-tagging on a write (PutObject, CopyObject, CreateMultipartUpload).
    /// </summary>
    public static void AddRequestTags(Dictionary<string, IReadOnlyList<string>> values, HttpRequest request, string action, TagSet? requestTags)
    {
        if (!RequestTagActions.Contains(action)) return;
        if (requestTags is null && request.Headers.TryGetValue("x-amz-tagging", out var header) && header.Count > 0)
        {
            requestTags = TagSet.ParseHeader(header.ToString());
        }
        if (requestTags is null) return;
        var keys = new string[requestTags.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            var (key, value) = requestTags.Tags[i];
            keys[i] = key;
            values[RequestObjectTag + key] = [value];
        }
        values[RequestObjectTagKeys] = keys;
    }

    /// <summary>
    /// s3:ExistingObjectTag/&lt;key&gt; for the object's tags (<paramref name="versionId"/>, else the version in ?versionId, else
    /// the latest): one point read,
    /// made only when one of the policies that apply tests such a key, so the common path reads nothing more.
    /// </summary>
    public static void AddExistingTags(Dictionary<string, IReadOnlyList<string>> values, StorageEngine engine, HttpRequest request, string action,
        BucketName bucket, ObjectKey? key, VersionId? versionId, IReadOnlyList<PolicyDocument> identityPolicies, PolicyDocument? bucketPolicy)
    {
        if (key is null || !ExistingTagActions.Contains(action)) return;
        if (!(bucketPolicy?.TestsConditionKeyStartingWith(ExistingObjectTag) ?? false) && !AnyTests(identityPolicies)) return;
        if (versionId is null && request.Query.TryGetValue("versionId", out var text) && VersionId.TryParse(text.ToString(), out var parsed)) versionId = parsed;
        var tags = engine.FindObjectTags(bucket, key.Value, versionId);
        if (tags is null) return; // the operation answers NoSuchKey, NoSuchVersion or AccessDenied as for any missing object
        foreach (var (tagKey, value) in tags.Tags) values[ExistingObjectTag + tagKey] = [value];
    }

    private static bool AnyTests(IReadOnlyList<PolicyDocument> policies)
    {
        foreach (var policy in policies)
        {
            if (policy.TestsConditionKeyStartingWith(ExistingObjectTag)) return true;
        }
        return false;
    }
}

using Microsoft.Extensions.Primitives;
using Strata.Core;
using Strata.Core.Acls;
using Strata.Core.PostPolicy;
using Strata.Core.PublicAccess;
using Strata.Engine.Objects;
using Strata.Server.Auth;
using Strata.Server.Body;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// PostObject, the browser upload: a multipart/form-data form whose fields stand for PUT's headers, signed by
/// its policy. The fields are read first; at the file part the form's signature names the principal, the policy
/// is checked and s3:PutObject authorized, and only then does the file stream into a draft like a PUT body.
/// </summary>
internal static class PostObject
{
    public static async Task HandleAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        ctx.Engine.GetBucket(bucket); // NoSuchBucket before reading the form
        // A refused form is answered, then the connection closed: draining the rest of the body first would let a
        // client push a whole 1 GiB file past a 1 MiB content-length-range. The error path clears headers, not this.
        ctx.Response.OnStarting(static state =>
        {
            var response = (Microsoft.AspNetCore.Http.HttpResponse)state;
            if (response.StatusCode >= 400) response.Headers.Connection = "close";
            return Task.CompletedTask;
        }, ctx.Response);
        var form = await PostForm.ReadAsync(ctx.Request, ctx.Caller.Payload, ctx.Aborted);
        var fields = form.Fields;
        var key = Key(fields, form.FileName);
        fields["key"] = key.Value;
        fields["bucket"] = bucket.Value;

        var authenticator = ctx.Authenticator;
        var signed = PostFormSignature.Verify(fields, authenticator.Credentials, authenticator.Region, authenticator.SigV2Enabled);
        if (signed is not null) AccessLog.NoteAccessKey(ctx.Http, signed.AccessKeyId); // the request itself was unsigned
        var principal = signed?.Principal ?? ctx.Principal;
        (long Min, long Max) range = (0, PutObject.MaxObjectSize);
        if (fields.TryGetValue("policy", out var policyText))
        {
            var policy = PostPolicyDocument.Parse(policyText);
            if (policy.Evaluate(fields, authenticator.Time.GetUtcNow()) is { } refusal) S3Fail.With(refusal.Error, refusal.Message);
            if (policy.LengthRange is { } limits) range = (limits.Min, Math.Min(limits.Max, PutObject.MaxObjectSize));
        }
        // The tagging field is a Tagging document, as PutObjectTagging's body (InvalidTag, MalformedXML).
        var tags = fields.TryGetValue("tagging", out var tagging) ? TaggingReader.Read(tagging, Core.Tagging.TagSetKind.Object) : Core.Tagging.TagSet.Empty;
        ctx.Authorizer.Check(ctx.Http, principal, "s3:PutObject", bucket, key, tags);
        // BlockPublicAcls holds for the form's acl field as for PutObject's x-amz-acl header: 403 before 400.
        if (fields.TryGetValue("acl", out var cannedAcl)) PublicAccessBlocks.RefusePublicAcl(ctx.Authorizer.PublicAccess.Of(bucket), PublicAcls.IsPublicCanned(cannedAcl));
        // The form's acl field is a canned ACL, as x-amz-acl is on a PUT.
        var acl = AclHeaders.ForObjectWrite(ctx, bucket, new AclRequest(cannedAcl, null));
        // Object Lock fields are not taken from a form yet: refused, never dropped (the bucket's default retention still applies).
        foreach (var name in fields.Keys)
        {
            if (name.StartsWith("x-amz-object-lock-", StringComparison.OrdinalIgnoreCase))
            {
                S3Fail.With(StrataError.NotImplemented, "Object Lock fields in a POST upload are not implemented by Strata; send them with a PUT.");
            }
        }
        var headers = Headers(fields);
        var expectedMd5 = PutObject.ContentMd5(fields.GetValueOrDefault("Content-MD5"));
        var (algorithm, claimed) = ChecksumField(fields);

        using var checksum = algorithm is { } a ? new PayloadChecksum(a) : null;
        await using var draft = ctx.Engine.CreateDraft();
        await draft.WriteFromAsync(new BoundedBodyStream(form.File.Body, range.Max, checksum), ctx.Aborted, PutObject.BodyPace);
        if (draft.Length < range.Min) S3Fail.With(StrataError.EntityTooSmall);
        var verified = checksum?.Verify(claimed!);
        var stored = verified is null ? null : new Checksum(verified.Algorithm, verified.Value);
        var result = await ctx.Engine.PutObjectAsync(new PutObjectCommand(bucket, key, headers, stored) { Acl = acl, Tags = tags }, draft, expectedMd5, ctx.Aborted);

        await RespondAsync(ctx, fields, bucket, key, result);
    }

    private static ObjectKey Key(Dictionary<string, string> fields, string? fileName)
    {
        if (!fields.TryGetValue("key", out var text) || text.Length == 0)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument,
                "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.");
        }
        // S3: ${filename} in the key stands for the name of the file the user chose.
        if (fileName is not null) text = text.Replace("${filename}", fileName, StringComparison.Ordinal);
        if (!ObjectKey.TryParse(text, out var key, out var error)) S3Fail.With(error);
        return key;
    }

    /// <summary>The fields a PUT would send as headers: Content-Type, Cache-Control, … and x-amz-meta-*, read as a PUT's are.</summary>
    private static ObjectHeaders Headers(Dictionary<string, string> fields)
    {
        var asHeaders = new Dictionary<string, StringValues>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in fields) asHeaders[name] = value;
        return ObjectHeaderReader.Read(asHeaders);
    }

    /// <summary>The form's one x-amz-checksum-* field; the file's bytes are checked against it (BadDigest, malformed or wrong, as on PUT).</summary>
    private static (ChecksumAlgorithm? Algorithm, string? Value) ChecksumField(Dictionary<string, string> fields)
    {
        ChecksumAlgorithm? found = null;
        string? value = null;
        foreach (var (name, text) in fields)
        {
            if (!PayloadChecksum.TryParseHeaderName(name.ToLowerInvariant(), out var algorithm)) continue;
            if (found is not null)
            {
                throw S3Fail.Exception(StrataError.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }
            (found, value) = (algorithm, text);
        }
        return (found, value);
    }

    /// <summary>S3: a redirect (303) where success_action_redirect is a URL, else success_action_status 200, 201 (PostResponse XML) or 204.</summary>
    private static async Task RespondAsync(S3Context ctx, Dictionary<string, string> fields, BucketName bucket, ObjectKey key, PutObjectResult result)
    {
        var response = ctx.Response;
        var location = ObjectLocation(ctx, key);
        response.Headers.ETag = result.ETag;
        response.Headers.Location = location;
        if (result.Versioning == VersioningState.Enabled) response.Headers["x-amz-version-id"] = result.VersionId.Value;

        var redirect = fields.GetValueOrDefault("success_action_redirect") ?? fields.GetValueOrDefault("redirect");
        if (redirect is not null && Uri.TryCreate(redirect, UriKind.Absolute, out var target) && target.Scheme is "http" or "https")
        {
            var separator = redirect.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            response.StatusCode = 303;
            response.Headers.Location = $"{redirect}{separator}bucket={Uri.EscapeDataString(bucket.Value)}" +
                $"&key={Uri.EscapeDataString(key.Value)}&etag={Uri.EscapeDataString(result.ETag)}";
            return;
        }
        switch (fields.GetValueOrDefault("success_action_status"))
        {
            case "200":
                response.StatusCode = 200;
                return;
            case "201":
                response.StatusCode = 201;
                await using (var xml = S3Xml.CreateWriter(response))
                {
                    await xml.WriteStartDocumentAsync();
                    await xml.WriteStartElementAsync(null, "PostResponse", null);
                    await xml.ElementAsync("Location", location);
                    await xml.ElementAsync("Bucket", bucket.Value);
                    await xml.ElementAsync("Key", key.Value);
                    await xml.ElementAsync("ETag", result.ETag);
                    await xml.WriteEndElementAsync();
                    await xml.WriteEndDocumentAsync();
                }
                return;
            default:
                response.StatusCode = 204; // S3's default, also for any value other than 200 and 201
                return;
        }
    }

    private static string ObjectLocation(S3Context ctx, ObjectKey key)
    {
        var request = ctx.Request;
        var path = (request.PathBase + request.Path).Value ?? "/";
        if (!path.EndsWith('/')) path += "/";
        return $"{request.Scheme}://{request.Host}{path}{Uri.EscapeDataString(key.Value).Replace("%2F", "/", StringComparison.Ordinal)}";
    }
}

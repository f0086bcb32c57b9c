using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.ObjectLock;
using Strata.Engine.Objects;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// The x-amz-object-lock-* headers of PutObject, CopyObject and CreateMultipartUpload, the bypass header of deletes and
/// retention changes, and the lock headers of GetObject and HeadObject.
/// </summary>
internal static class ObjectLockHeaders
{
    public const string Mode = "x-amz-object-lock-mode";
    public const string RetainUntilDate = "x-amz-object-lock-retain-until-date";
    public const string LegalHold = "x-amz-object-lock-legal-hold";
    public const string BypassGovernanceRetention = "x-amz-bypass-governance-retention";

    /// <summary>
    /// The lock a write asks for; null when it sends no lock header. Needs s3:PutObjectRetention for a retention and
    /// s3:PutObjectLegalHold for a legal hold, as S3 does. With <paramref name="needsIntegrity"/> (a PutObject body), S3
    /// also requires Content-MD5 or an x-amz-checksum-* value. Whether the bucket has Object Lock and whether the date
    /// is in the future are decided by the engine, in the commit, with its clock.
    /// </summary>
    public static ObjectLockState? Read(S3Context ctx, bool needsIntegrity)
    {
        var request = ctx.Request;
        var modeText = request.Header(Mode);
        var dateText = request.Header(RetainUntilDate);
        var holdText = request.Header(LegalHold);
        if (modeText is null && dateText is null && holdText is null) return null;
        if ((modeText is null) != (dateText is null))
        {
            S3Fail.With(StrataError.InvalidArgument, "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied");
        }
        ObjectRetention? retention = null;
        if (modeText is not null)
        {
            if (!ObjectLockModes.TryParse(modeText, out var mode)) S3Fail.With(StrataError.InvalidArgument, "Unknown wormMode directive.");
            if (!ObjectLockXml.TryParseDate(dateText, out var until)) S3Fail.With(StrataError.InvalidArgument, "The retain until date must be provided in ISO 8601 format");
            retention = new ObjectRetention(mode, until);
        }
        bool? legalHold = holdText switch
        {
            null => null,
            "ON" => true,
            "OFF" => false,
            _ => throw S3Fail.Exception(StrataError.InvalidArgument, "Legal Hold must be either of 'ON' or 'OFF'"),
        };
        var bucket = ctx.S3.RequireBucket();
        var key = ctx.S3.RequireKey();
        if (retention is not null) ctx.Require("s3:PutObjectRetention", bucket, key);
        if (legalHold is not null) ctx.Require("s3:PutObjectLegalHold", bucket, key);
        if (needsIntegrity && !HasIntegrityCheck(request))
        {
            S3Fail.With(StrataError.InvalidRequest, "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters");
        }
        return new ObjectLockState(retention, legalHold);
    }

    // Checked from the headers before the body is read: Content-MD5, an x-amz-checksum-* value (header or announced
    // trailer) or the SDKs' x-amz-sdk-checksum-algorithm.
    private static bool HasIntegrityCheck(HttpRequest request)
    {
        if (request.Headers.ContainsKey("Content-MD5") || request.Headers.ContainsKey("x-amz-sdk-checksum-algorithm")) return true;
        if (request.Header("x-amz-trailer") is { } trailer && trailer.Contains("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)) return true;
        foreach (var (name, _) in request.Headers)
        {
            if (name.StartsWith("x-amz-checksum-", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("x-amz-checksum-algorithm", StringComparison.OrdinalIgnoreCase)
                && !name.Equals("x-amz-checksum-type", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// S3: governance retention is bypassed only when the request says x-amz-bypass-governance-retention: true AND the
    /// caller is allowed s3:BypassGovernanceRetention (the root user is, unless a bucket policy denies it). Either alone
    /// changes nothing: the request then goes ahead as if no bypass was asked for.
    /// </summary>
    public static bool Bypass(S3Context ctx, ObjectKey key) =>
        string.Equals(ctx.Request.Header(BypassGovernanceRetention)?.Trim(), "true", StringComparison.OrdinalIgnoreCase)
        && ctx.Authorizer.IsAllowed(ctx.Http, ctx.Principal, "s3:BypassGovernanceRetention", ctx.S3.RequireBucket(), key);

    /// <summary>
    /// GetObject and HeadObject: the version's mode and retain-until date (to callers allowed s3:GetObjectRetention) and
    /// its legal hold (to callers allowed s3:GetObjectLegalHold), as S3 shows them.
    /// </summary>
    public static void Write(S3Context ctx, ObjectVersion version)
    {
        var state = version.Lock;
        if (state.IsEmpty) return;
        var headers = ctx.Response.Headers;
        if (state.Retention is { } retention && ctx.Authorizer.IsAllowed(ctx.Http, ctx.Principal, "s3:GetObjectRetention", ctx.S3.RequireBucket(), version.Key))
        {
            headers[Mode] = ObjectLockModes.Name(retention.Mode);
            headers[RetainUntilDate] = S3Xml.Timestamp(retention.RetainUntil);
        }
        if (state.LegalHold is { } on && ctx.Authorizer.IsAllowed(ctx.Http, ctx.Principal, "s3:GetObjectLegalHold", ctx.S3.RequireBucket(), version.Key))
        {
            headers[LegalHold] = on ? "ON" : "OFF";
        }
    }
}

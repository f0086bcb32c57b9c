using Strata.Core;
using Strata.Engine.Objects;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>GetObjectRetention, PutObjectRetention, GetObjectLegalHold, PutObjectLegalHold: one version's Object Lock settings.</summary>
internal static class ObjectLockSettings
{
    public static async Task GetRetentionAsync(S3Context ctx)
    {
        var version = FindLocked(ctx);
        if (version.Lock.Retention is not { } retention) throw S3Fail.Exception(StrataError.NoSuchObjectLockConfiguration);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await ObjectLockXml.WriteRetentionAsync(xml, retention);
    }

    public static async Task PutRetentionAsync(S3Context ctx)
    {
        var (bucket, key, versionId) = Target(ctx);
        var retention = ObjectLockXml.ReadRetention(await BucketObjectLock.ReadDocumentAsync(ctx));
        // The engine decides in its commit, with its clock: extending is free, anything else of GOVERNANCE needs the bypass.
        await ctx.Engine.PutObjectRetentionAsync(bucket, key, versionId, retention, ObjectLockHeaders.Bypass(ctx, key));
    }

    public static async Task GetLegalHoldAsync(S3Context ctx)
    {
        var version = FindLocked(ctx);
        if (version.Lock.LegalHold is not { } on) throw S3Fail.Exception(StrataError.NoSuchObjectLockConfiguration);
        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await ObjectLockXml.WriteLegalHoldAsync(xml, on);
    }

    public static async Task PutLegalHoldAsync(S3Context ctx)
    {
        var (bucket, key, versionId) = Target(ctx);
        var on = ObjectLockXml.ReadLegalHold(await BucketObjectLock.ReadDocumentAsync(ctx));
        await ctx.Engine.PutObjectLegalHoldAsync(bucket, key, versionId, on);
    }

    private static (BucketName Bucket, ObjectKey Key, VersionId? VersionId) Target(S3Context ctx)
    {
        var versionText = ctx.S3.QueryValue("versionId");
        return (ctx.S3.RequireBucket(), ctx.S3.RequireKey(), versionText is null ? null : VersionId.Parse(versionText));
    }

    /// <summary>The version named, in a bucket with Object Lock (else InvalidRequest, as S3 answers).</summary>
    private static ObjectVersion FindLocked(S3Context ctx)
    {
        var (bucket, key, versionId) = Target(ctx);
        if (ctx.Engine.GetObjectLockConfiguration(bucket) is null) S3Fail.With(StrataError.InvalidRequest, Core.ObjectLock.ObjectLockRules.MissingConfiguration);
        var (_, version) = ctx.Engine.FindVersion(bucket, key, versionId);
        if (version is null || (version.IsDeleteMarker && versionId is null)) throw S3Fail.Exception(versionId is null ? StrataError.NoSuchKey : StrataError.NoSuchVersion);
        if (version.IsDeleteMarker) S3Fail.With(StrataError.MethodNotAllowed);
        return version;
    }
}

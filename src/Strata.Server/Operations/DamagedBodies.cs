using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Engine.Scrub;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// A GET or HEAD of a stored body that is damaged (found by a scrub, or by this very read): logged with the bucket, key and
/// version, recorded so later requests are refused at once, and answered InternalError while nothing was sent. Once the
/// body has started, the connection is cut: the client sees a broken transfer (fewer bytes than Content-Length), never a
/// clean 200 with wrong bytes.
/// </summary>
internal static partial class DamagedBodies
{
    public static async Task RefuseAsync(S3Context ctx, BucketName bucket, DamagedContentException damage, bool alreadyRecorded)
    {
        var log = ctx.Http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DamagedBodies).FullName!);
        var requestId = ctx.Response.Headers["x-amz-request-id"].ToString();
        LogDamaged(log, requestId, bucket.Value, damage.Version.Key.Value, damage.Version.VersionId.Value, damage.PartNumber, damage.Detail,
            ctx.Response.HasStarted);
        if (!alreadyRecorded) await ctx.Engine.RecordDamageAsync(bucket, damage);
        if (ctx.Response.HasStarted)
        {
            AccessLog.NoteError(ctx.Http, "InternalError(cut)");
            ctx.Http.Abort();
            return;
        }
        throw S3Fail.Exception(StrataError.InternalError);
    }

    [LoggerMessage(Level = LogLevel.Error,
        Message = "Request {RequestId}: the stored body of {Bucket}/{Key} version {VersionId} (part {PartNumber}; 0 is the whole body) is damaged: {Detail}. Refused (response cut mid-body: {Cut}); see `strata admin scrub`")]
    private static partial void LogDamaged(ILogger logger, string requestId, string bucket, string key, string versionId, int partNumber, string detail, bool cut);
}

using Strata.Core;
using Strata.Engine.Objects;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>DeleteObjects: up to 1000 deletes, each with its own result; Quiet reports only the errors.</summary>
internal static class DeleteObjects
{
    public static async Task HandleAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        if (ctx.Request.ContentLength > S3Xml.MaxRequestBytes) S3Fail.With(StrataError.MalformedXML);
        var (quiet, entries) = await DeleteRequestReader.ReadAsync(ctx.Caller.Payload);
        await Drain(ctx.Caller.Payload, ctx.Aborted); // reaching the end verifies the payload's signature and checksum
        // S3: on an MFA Delete bucket, version deletes without a valid code fail the whole request.
        if (ctx.Engine.GetBucket(bucket).MfaDelete == MfaDeleteState.Enabled && !ctx.MfaVerified && entries.Exists(e => e.VersionId is not null))
        {
            S3Fail.With(StrataError.AccessDenied, VersionStack.MfaRequired);
        }

        // All deletes go to the committer at once, so they share its batches and fsyncs.
        var outcomes = new Task<DeleteObjectResult>?[entries.Count];
        var refusals = new StrataException?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                var entry = entries[i];
                var key = ObjectKey.Parse(entry.Key);
                VersionId? versionId = entry.VersionId is null ? null : VersionId.Parse(entry.VersionId);
                // S3 authorizes each key of a multi-object delete on its own.
                ctx.Require(versionId is null ? "s3:DeleteObject" : "s3:DeleteObjectVersion", bucket, key);
                var ifMatch = ConditionalDeletes.IfMatch(ctx, bucket, key, entry.ETag, versionId);
                var bypass = versionId is not null && ObjectLockHeaders.Bypass(ctx, key);
                outcomes[i] = ctx.Engine.DeleteObjectAsync(new DeleteObjectCommand(bucket, key, versionId, ctx.MfaVerified, bypass) { IfMatch = ifMatch });
            }
            catch (StrataException refused)
            {
                refusals[i] = refused;
            }
        }

        await using var xml = S3Xml.CreateWriter(ctx.Response);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "DeleteResult", S3Xml.Namespace);
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            DeleteObjectResult? result = null;
            var error = refusals[i];
            if (outcomes[i] is { } outcome)
            {
                try
                {
                    result = await outcome;
                }
                catch (StrataException refused)
                {
                    error = refused;
                }
            }
            if (error is not null)
            {
                await xml.WriteStartElementAsync(null, "Error", null);
                await xml.ElementAsync("Key", entry.Key);
                if (entry.VersionId is not null) await xml.ElementAsync("VersionId", entry.VersionId);
                await xml.ElementAsync("Code", error.Error.ToString());
                await xml.ElementAsync("Message", error.Message);
                await xml.WriteEndElementAsync();
                continue;
            }
            if (quiet) continue;
            await xml.WriteStartElementAsync(null, "Deleted", null);
            await xml.ElementAsync("Key", entry.Key);
            if (entry.VersionId is not null) await xml.ElementAsync("VersionId", entry.VersionId);
            // S3: DeleteMarkerVersionId names the marker created, or the marker removed by its version id.
            if (result!.IsDeleteMarker)
            {
                await xml.ElementAsync("DeleteMarker", "true");
                await xml.ElementAsync("DeleteMarkerVersionId", result.VersionId!.Value.Value);
            }
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    private static async Task Drain(Stream payload, CancellationToken cancellationToken)
    {
        var scratch = new byte[4096];
        while (await payload.ReadAsync(scratch, cancellationToken) > 0)
        {
        }
    }
}

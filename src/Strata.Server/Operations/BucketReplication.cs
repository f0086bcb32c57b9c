using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Replication;
using Strata.Server.Hosting;
using Strata.Server.Xml;

namespace Strata.Server.Operations;

/// <summary>
/// GetBucketReplication, PutBucketReplication (S3's XML, Content-MD5 or a checksum required; the source's versioning must
/// be Enabled), DeleteBucketReplication. A destination is a remote target (arn:strata:remote:NAME:BUCKET) or a bucket of
/// this server (arn:aws:s3:::BUCKET); see docs/S3-SUPPORT.md.
/// </summary>
internal static class BucketReplication
{
    public static async Task GetAsync(S3Context ctx)
    {
        var configuration = ctx.Engine.GetReplicationConfiguration(ctx.S3.RequireBucket())
            ?? throw S3Fail.Exception(StrataError.ReplicationConfigurationNotFoundError);
        ctx.Response.ContentType = "application/xml";
        await ctx.Response.WriteAsync(ReplicationConfigurationWriter.Write(configuration), ctx.Aborted);
    }

    public static async Task PutAsync(S3Context ctx)
    {
        var bucket = ctx.S3.RequireBucket();
        var text = await RequestDocument.ReadAsync(ctx, ReplicationConfigurationReader.MaxBytes, "The replication configuration must be at most 1 MB.");
        var configuration = ReplicationConfigurationReader.Read(text); // MalformedXML, InvalidRequest, InvalidArgument: nothing stored
        foreach (var rule in configuration.Rules) CheckDestination(ctx, bucket, rule.Destination);
        await ctx.Engine.PutReplicationConfigurationAsync(bucket, configuration); // InvalidRequest unless versioning is Enabled
    }

    public static async Task DeleteAsync(S3Context ctx)
    {
        await ctx.Engine.DeleteBucketConfigAsync(ctx.S3.RequireBucket(), Engine.Buckets.BucketConfigKind.Replication);
        ctx.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    // S3 refuses a destination bucket that does not exist, is the source, or is not versioned (InvalidRequest). A remote's
    // bucket cannot be looked at here without a network call: `strata admin remote check` does that.
    private static void CheckDestination(S3Context ctx, BucketName source, ReplicationDestination destination)
    {
        if (destination.Remote is { } remote)
        {
            if (!ctx.Engine.ListRemotes().Exists(r => r.Name == remote))
            {
                S3Fail.With(StrataError.InvalidArgument, $"There is no remote target named '{remote}': add it with `strata admin remote add {remote}`.");
            }
            return;
        }
        var name = BucketName.Parse(destination.Bucket);
        if (name == source) S3Fail.With(StrataError.InvalidRequest, "Destination bucket cannot be the same as the source bucket.");
        var target = ctx.Engine.FindBucket(name) ?? throw S3Fail.Exception(StrataError.InvalidRequest, "Destination bucket must exist.");
        if (target.Versioning != VersioningState.Enabled) S3Fail.With(StrataError.InvalidRequest, "Destination bucket must have versioning enabled.");
    }
}

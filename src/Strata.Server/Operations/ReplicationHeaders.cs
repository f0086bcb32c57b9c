using Strata.Core;
using Strata.Engine.Objects;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>
/// x-amz-replication-status on GET and HEAD, and the header by which a replicator's write is known as a replica: honoured
/// only from an authenticated caller (an anonymous write to a public bucket cannot mark itself REPLICA to dodge replication).
/// </summary>
internal static class ReplicationHeaders
{
    public const string Status = "x-amz-replication-status";

    /// <summary>Sent by Strata's replicator on the PUT, CompleteMultipartUpload and DELETE that write a replica.</summary>
    public const string Replica = "x-strata-replica";

    public static bool IsReplicaWrite(S3Context ctx) =>
        !ctx.Caller.IsAnonymous && string.Equals(ctx.Request.Headers[Replica].ToString(), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>S3 sends the status only for a version replication touched (read with the version, FindVersionWithAcl).</summary>
    public static void WriteStatus(S3Context ctx, string? status)
    {
        if (status is not null) ctx.Response.Headers[Status] = status;
    }
}

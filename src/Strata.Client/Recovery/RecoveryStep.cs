namespace Strata.Client.Recovery;

/// <summary>One change a recovery makes: a server-side copy, a delete marker added or removed, a download.</summary>
/// <param name="Key">The source key the step is for, as failures name it.</param>
public abstract record RecoveryStep(string Key)
{
    /// <summary>Bytes the step moves (server-side for copies).</summary>
    public virtual long Bytes => 0;

    /// <summary>The IAM actions the step needs, as an access-denied explanation names them.</summary>
    public abstract string Permission { get; }

    /// <summary>What the step does, as plans and failures name it: copy, add-delete-marker, remove-delete-marker, download, refused.</summary>
    public abstract string Name { get; }

    /// <summary>A server-side copy of a version on top of a key: same key for a restore in place, another for <c>--to</c>.</summary>
    public sealed record CopyVersion(string SourceBucket, string Key, string VersionId, long Size, string DestinationBucket, string DestinationKey) : RecoveryStep(Key)
    {
        /// <inheritdoc />
        public override long Bytes => Size;

        /// <inheritdoc />
        public override string Permission => "s3:GetObjectVersion and s3:PutObject";

        /// <inheritdoc />
        public override string Name => "copy";
    }

    /// <summary>A plain DELETE on a versioned bucket: a delete marker goes on top, nothing is destroyed.</summary>
    public sealed record AddDeleteMarker(string Bucket, string Key) : RecoveryStep(Key)
    {
        /// <inheritdoc />
        public override string Permission => "s3:DeleteObject";

        /// <inheritdoc />
        public override string Name => "add-delete-marker";
    }

    /// <summary>Deletes one delete marker by version id (needs s3:DeleteObjectVersion, and MFA where MFA Delete is on).</summary>
    public sealed record RemoveDeleteMarker(string Bucket, string Key, string VersionId) : RecoveryStep(Key)
    {
        /// <inheritdoc />
        public override string Permission => "s3:DeleteObjectVersion";

        /// <inheritdoc />
        public override string Name => "remove-delete-marker";
    }

    /// <summary>Downloads a version to a local file, through a temporary file renamed into place.</summary>
    public sealed record Download(string Bucket, string Key, string VersionId, long Size, DateTimeOffset LastModified, string Path) : RecoveryStep(Key)
    {
        /// <inheritdoc />
        public override long Bytes => Size;

        /// <inheritdoc />
        public override string Permission => "s3:GetObjectVersion";

        /// <inheritdoc />
        public override string Name => "download";
    }

    /// <summary>A key the recovery will not touch, with the reason; it counts as a failure.</summary>
    public sealed record Refuse(string Key, string Reason) : RecoveryStep(Key)
    {
        /// <inheritdoc />
        public override string Permission => "";

        /// <inheritdoc />
        public override string Name => "refused";
    }
}

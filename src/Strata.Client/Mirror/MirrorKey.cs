using Strata.Client.Recovery;

namespace Strata.Client.Mirror;

/// <summary>One version or delete marker of the source that <c>strata mirror</c> recreates on the destination.</summary>
/// <param name="VersionId">The source version id ("null" for one written while versioning was off).</param>
/// <param name="Size">Content length; 0 for a marker.</param>
/// <param name="LastModified">When it was made on the source.</param>
/// <param name="IsDeleteMarker">True for a delete marker.</param>
/// <param name="DeletedAt">For a version: when the delete marker right above it on the source was made, else null.</param>
public sealed record MirrorItem(string VersionId, long Size, DateTimeOffset LastModified, bool IsDeleteMarker, DateTimeOffset? DeletedAt);

/// <summary>
/// What one key needs at the destination: its missing versions and markers, oldest first. The items of a key are
/// written in order by one worker (the destination's stack is built in the source's order); keys run in parallel.
/// </summary>
/// <param name="SourceBucket">The source bucket.</param>
/// <param name="Key">The source key.</param>
/// <param name="DestinationBucket">The destination bucket.</param>
/// <param name="DestinationKey">The key at the destination.</param>
/// <param name="Items">What to write, oldest first.</param>
/// <param name="AlreadyThere">Versions and markers of the key an earlier run already copied.</param>
public sealed record MirrorKey(string SourceBucket, string Key, string DestinationBucket, string DestinationKey, IReadOnlyList<MirrorItem> Items, int AlreadyThere) : RecoveryStep(Key)
{
    /// <inheritdoc />
    public override long Bytes
    {
        get
        {
            long bytes = 0;
            foreach (var item in Items) bytes += item.Size;
            return bytes;
        }
    }

    /// <summary>Versions to copy.</summary>
    public int Versions => Items.Count - Markers;

    /// <summary>Delete markers to make.</summary>
    public int Markers
    {
        get
        {
            var markers = 0;
            foreach (var item in Items) markers += item.IsDeleteMarker ? 1 : 0;
            return markers;
        }
    }

    /// <inheritdoc />
    public override string Permission => "s3:GetObjectVersion and s3:GetObjectVersionTagging on the source, s3:PutObject, s3:PutObjectTagging and s3:DeleteObject on the destination";

    /// <inheritdoc />
    public override string Name => "mirror";
}

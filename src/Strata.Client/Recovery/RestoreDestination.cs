using Strata.Client.Connection;

namespace Strata.Client.Recovery;

/// <summary>Where a point-in-time restore writes the snapshot.</summary>
public abstract record RestoreDestination
{
    private RestoreDestination()
    {
    }

    /// <summary>On top of the same keys: changed keys get the old version copied back, keys absent then get a delete marker.</summary>
    public sealed record InPlace : RestoreDestination;

    /// <summary>Into another bucket or prefix: the keys as they were, under <paramref name="Target"/>.</summary>
    public sealed record Bucket(S3Uri Target) : RestoreDestination;

    /// <summary>Downloaded under a local folder; no key can escape it.</summary>
    public sealed record Folder(string Path) : RestoreDestination;
}

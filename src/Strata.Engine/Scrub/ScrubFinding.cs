using Strata.Core;
using Strata.Engine.Objects;

namespace Strata.Engine.Scrub;

/// <summary>What a scrub (or a GET) found wrong with one stored body.</summary>
/// <param name="PartNumber">The part of a multipart object; 0 for a version's own body.</param>
/// <param name="Problem"><see cref="Mismatch"/> or <see cref="Missing"/>.</param>
/// <param name="Detail">In plain words, for the log and the admin API.</param>
public sealed record ScrubFinding(
    BucketName Bucket,
    ObjectKey Key,
    VersionId VersionId,
    int PartNumber,
    string Problem,
    string Detail,
    DateTimeOffset Found)
{
    /// <summary>The bytes read are not the bytes written: their checksum, length or (before schema 14) ETag differs.</summary>
    public const string Mismatch = "mismatch";

    /// <summary>The blob file the version names is gone.</summary>
    public const string Missing = "missing";

    internal long Seq { get; init; }
    internal long ModifiedMs { get; init; }
}

/// <summary>One scrub's figures, and every finding of its scope (one bucket, or all of them) as it left them.</summary>
/// <param name="Bucket">The bucket scrubbed; null for every bucket.</param>
/// <param name="Versions">Object versions whose bodies were read.</param>
/// <param name="Parts">Bodies read: a version's own, or each part of a multipart object.</param>
/// <param name="HashesAdded">Bodies written before schema 14 that got their checksum in this scrub.</param>
public sealed record ScrubReport(
    BucketName? Bucket,
    DateTimeOffset Started,
    DateTimeOffset Finished,
    long Versions,
    long Parts,
    long Bytes,
    long HashesAdded,
    IReadOnlyList<ScrubFinding> Findings)
{
    /// <summary>Bytes read per second of the run, in MB/s (10^6 bytes).</summary>
    public double MegabytesPerSecond => (Finished - Started).TotalSeconds is var seconds and > 0 ? Bytes / seconds / 1e6 : 0;
}

/// <summary>
/// A stored body that does not match what was written (or whose file is gone), found while it was being read for a GET
/// or a copy. The front end answers InternalError (before the response started) or cuts the connection (after): never
/// wrong bytes with a clean status.
/// </summary>
public sealed class DamagedContentException(ObjectVersion version, int partNumber, string problem, string detail)
    : IOException($"The stored body of key '{version.Key}' version {version.VersionId}{(partNumber > 0 ? $" part {partNumber}" : "")} is damaged: {detail}")
{
    public ObjectVersion Version { get; } = version;
    public int PartNumber { get; } = partNumber;
    public string Problem { get; } = problem;
    public string Detail { get; } = detail;

    /// <summary>Raised for a version already recorded as damaged (by a scrub or an earlier read), not found by this read.</summary>
    public bool AlreadyRecorded { get; init; }
}

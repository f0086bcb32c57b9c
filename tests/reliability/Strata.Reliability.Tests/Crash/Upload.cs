namespace Strata.Reliability.Tests.Crash;

/// <summary>
/// One multipart upload of the traffic, driven by one worker: CreateMultipartUpload, its parts, then a
/// CompleteMultipartUpload (an <see cref="Op"/> of kind <see cref="OpKind.Complete"/> in the key's history),
/// an AbortMultipartUpload, or nothing (left open on purpose, so kills meet uploads in every state).
/// </summary>
internal sealed class Upload
{
    private readonly Dictionary<int, string> _ackedParts = [];
    private readonly HashSet<int> _sentParts = [];

    public required string Bucket { get; init; }
    public required string Key { get; init; }
    public required Body Body { get; init; }

    /// <summary>Known once CreateMultipartUpload was acknowledged; null when the kill cut it (it may still exist, unnamed).</summary>
    public string? UploadId { get; set; }

    /// <summary>The CompleteMultipartUpload request, once sent.</summary>
    public Op? Completion { get; set; }

    /// <summary>The traffic chose to leave it open, or to abort it (rather than complete it).</summary>
    public bool LeftOpen { get; set; }
    public bool AbortedByTraffic { get; set; }

    /// <summary>An AbortMultipartUpload was sent (by the traffic, or by the verifier once it found the upload listed).</summary>
    public bool AbortSent { get; set; }
    public bool AbortAcked { get; set; }

    /// <summary>The kill cut its CreateMultipartUpload or a part: it never reached the request the traffic chose for it.</summary>
    public bool CutBeforeCompletion => Completion is null && !LeftOpen && !AbortedByTraffic;

    public void PartSent(int number)
    {
        lock (_sentParts) _sentParts.Add(number);
    }

    public void PartAcked(int number, string etag)
    {
        lock (_sentParts) _ackedParts[number] = etag;
    }

    public bool WasPartSent(int number)
    {
        lock (_sentParts) return _sentParts.Contains(number);
    }

    public Dictionary<int, string> AckedParts()
    {
        lock (_sentParts) return new Dictionary<int, string>(_ackedParts);
    }

    public override string ToString() => $"upload {Bucket}/{Key} id={UploadId ?? "?"} ({Body.Size} B in {Body.Parts().Count()} part(s), ETag {Body.ETag})";
}

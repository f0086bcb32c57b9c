using Strata.Server.Auth;

namespace Strata.Server.Body;

/// <summary>
/// A read-only, forward-only view of a request body that verifies what it yields and throws S3's error when
/// the end is reached and something did not match. The synchronous Read stays available for a body that allows
/// it (Kestrel's refuses unless AllowSynchronousIO is set).
/// </summary>
internal abstract class PayloadStream : ForwardOnlyStream
{
    private VerifiedChecksum? _verified;

    /// <summary>The checksum proven once the payload was read to its end; null before, or when none was sent.</summary>
    public VerifiedChecksum? VerifiedChecksum => _verified;

    protected void SetVerified(VerifiedChecksum? checksum) => _verified = checksum;
}

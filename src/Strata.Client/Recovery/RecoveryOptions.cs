using Amazon.S3.Model;

namespace Strata.Client.Recovery;

/// <summary>How a recovery runs: parallelism, copy sizes, the MFA codes for version deletes.</summary>
public sealed record RecoveryOptions
{
    /// <summary>Default number of steps in flight: enough to hide round trips, few enough for a small server.</summary>
    public const int DefaultConcurrency = 16;

    /// <summary>Steps in flight at once (server-side copies, deletes, downloads).</summary>
    public int Concurrency { get; init; } = DefaultConcurrency;

    /// <summary>When to switch from CopyObject to UploadPartCopy, and the part size.</summary>
    public CopySettings Copy { get; init; } = new();

    /// <summary>The MFA device's serial and current code, sent as x-amz-mfa on version deletes (MFA Delete buckets).</summary>
    public MfaCodes? Mfa { get; init; }

    /// <summary>
    /// The largest plan kept in memory between <see cref="RecoveryJob.PlanAsync"/> and <see cref="RecoveryJob.RunAsync"/>
    /// (a step is a few hundred bytes); a bigger one is found again by a second walk. 0 always walks twice.
    /// </summary>
    public int MaxRememberedSteps { get; init; } = 100_000;

    /// <summary>Versions per ListObjectVersions page.</summary>
    public int PageSize { get; init; } = 1000;

    /// <summary>Parses <c>"SERIAL CODE"</c> as awscli's <c>--mfa</c> takes it.</summary>
    public static MfaCodes ParseMfa(string text)
    {
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2) throw new FormatException("--mfa takes the device's serial number (or ARN) and the current code, separated by a space: --mfa \"arn:aws:iam::123456789012:mfa/user 123456\".");
        return new MfaCodes { SerialNumber = parts[0], AuthenticationValue = parts[1] };
    }
}

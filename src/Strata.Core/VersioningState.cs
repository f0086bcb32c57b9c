namespace Strata.Core;

/// <summary>A bucket's versioning state. Once Enabled it can only move between Enabled and Suspended.</summary>
public enum VersioningState
{
    Unversioned = 0,
    Enabled = 1,
    Suspended = 2,
}

/// <summary>MfaDelete as GetBucketVersioning reports it: absent until it was first set.</summary>
public enum MfaDeleteState
{
    NeverSet = 0,
    Enabled = 1,
    Disabled = 2,
}

using Xunit;

namespace Strata.Testing;

/// <summary>
/// A test that needs root on Linux (it mounts a small tmpfs: a full disk, a read-only directory). CI and the
/// developers' machines run as root; elsewhere the test is reported as skipped, never passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") Skip = "Needs root on Linux to mount a small tmpfs.";
    }
}

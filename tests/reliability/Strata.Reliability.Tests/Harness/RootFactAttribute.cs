namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// A test that needs root (it mounts a small tmpfs to fill a disk for real). CI and the developers' machines
/// run as root; elsewhere the test is reported as skipped, never passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root") Skip = "Needs root on Linux to mount a small tmpfs.";
    }
}

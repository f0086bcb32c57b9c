namespace Strata.Server.Hosting;

/// <summary>
/// A start refused for a cause the operator can fix, in one or two plain sentences: a malformed setting
/// (<see cref="IsUsage"/>, exit 2) or a directory, file or port that cannot be used (exit 1).
/// </summary>
public sealed class ServeRefusedException(string message, bool usage = false) : Exception(message)
{
    public bool IsUsage { get; } = usage;
}

namespace Strata.AspNetCore.Storage;

/// <summary>A file name a storage refuses (see <see cref="StorageName.Validate"/>), like Django's SuspiciousFileOperation.</summary>
public sealed class StorageNameException(string name, string reason)
    : ArgumentException($"'{name}' is not a valid storage name: {reason}.", nameof(name))
{
    /// <summary>The name that was refused.</summary>
    public string Name { get; } = name;
}

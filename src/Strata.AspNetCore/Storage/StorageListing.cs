namespace Strata.AspNetCore.Storage;

/// <summary>What a "directory" of a storage holds: its sub-folders and its files, as names relative to it.</summary>
/// <param name="Directories">The folders directly inside, without a trailing '/'.</param>
/// <param name="Files">The files directly inside.</param>
public sealed record StorageListing(IReadOnlyList<string> Directories, IReadOnlyList<string> Files);

using Strata.Engine.Settings;

namespace Strata.Engine;

/// <summary>Server-wide settings (<see cref="ServerSettingName"/>); the front end parses and validates their values.</summary>
public sealed partial class StorageEngine
{
    /// <summary>The setting's value, or null when it is not set.</summary>
    public string? GetServerSetting(string name)
    {
        using var session = Read();
        return SettingRows.Get(session, name);
    }

    /// <summary>Sets the setting, replacing any value; with null removes it.</summary>
    public Task PutServerSettingAsync(string name, string? value) =>
        _committer.WriteAsync(tx => SettingRows.Put(tx, name, value));
}

using System.CommandLine;
using Strata.Core;
using Strata.Engine;

namespace Strata.Cli.Admin;

/// <summary>
/// `strata admin mfa reset --data DIR`: the break-glass path for a lost MFA device. It works on the data
/// directory itself, never over the network, and only while no server holds the directory (it takes the same
/// lock `strata serve` takes). It says loudly what it removed and appends a line to DATA/mfa-reset.log.
/// </summary>
internal static class MfaResetCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "The server's data directory (the server must be stopped)", Required = true };
        var command = new Command("reset", "Lost device: remove the root user's MFA device offline, with local access to the stopped server's data directory") { data };
        command.SetAction(async (parse, cancellationToken) => await ResetAsync(parse.GetValue(data)!));
        return command;
    }

    private static async Task<int> ResetAsync(string dataDirectory)
    {
        var directory = Path.GetFullPath(dataDirectory);
        // Acquire would create a missing directory; a reset only makes sense on one a server has written.
        if (!File.Exists(Path.Combine(directory, "metadata.db")))
        {
            await Console.Error.WriteLineAsync($"strata: {directory} is not a Strata data directory (it has no metadata.db); nothing was changed.");
            return CommandErrors.Refused;
        }
        List<Engine.Identities.MfaDeviceInfo> removed;
        List<string> protectedBuckets;
        try
        {
            var held = DataDirectoryLock.Acquire(directory);
            await using var engine = StorageEngine.Open(new EngineOptions { DataDirectory = held }, TimeProvider.System, out _);
            removed = await engine.RemoveMfaDevicesAsync();
            protectedBuckets = engine.ListBuckets().Where(b => b.MfaDelete == MfaDeleteState.Enabled).Select(b => b.Name.ToString()).ToList();
            if (removed.Count > 0) await Engine.Identities.MfaResetRecord.AppendAsync(directory, removed, DateTimeOffset.UtcNow);
        }
        catch (DataDirectoryRefusedException refused)
        {
            await Console.Error.WriteLineAsync($"strata: {refused.Message}");
            await Console.Error.WriteLineAsync("strata: stop the server first: the reset works only on a data directory no server holds.");
            return CommandErrors.StartRefused;
        }

        if (removed.Count == 0)
        {
            await Console.Error.WriteLineAsync($"strata: the root user has no MFA device in {directory}; nothing was changed.");
            return CommandErrors.Ok;
        }
        foreach (var device in removed)
        {
            await Console.Error.WriteLineAsync($"strata: MFA DEVICE RESET: removed {device.Serial} (created {device.Created:yyyy-MM-dd HH:mm:ss} UTC) from {directory}.");
        }
        await Console.Error.WriteLineAsync("strata: this was done with local access to the data directory, without a code from the device; it is recorded in " +
            Path.Combine(directory, Engine.Identities.MfaResetRecord.LogFileName) + ".");
        if (protectedBuckets.Count > 0)
        {
            await Console.Error.WriteLineAsync($"strata: MFA Delete is on for: {string.Join(", ", protectedBuckets)}.");
            await Console.Error.WriteLineAsync("strata: deleting their versions or changing their versioning is impossible until a new device exists: start the server and run `strata admin mfa enable`.");
        }
        else
        {
            await Console.Error.WriteLineAsync("strata: start the server and run `strata admin mfa enable` to create a new device.");
        }
        return CommandErrors.Ok;
    }
}

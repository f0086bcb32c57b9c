namespace Strata.Engine.Identities;

/// <summary>
/// What the offline MFA reset leaves in the data directory: a line per removed device in DATA/mfa-reset.log
/// (kept), and the same lines in DATA/mfa-reset.pending, which the next server start announces and removes,
/// so whoever runs the server learns that the device was reset with local access.
/// </summary>
public static class MfaResetRecord
{
    public const string LogFileName = "mfa-reset.log";
    private const string PendingFileName = "mfa-reset.pending";

    public static async Task AppendAsync(string dataDirectory, IReadOnlyList<MfaDeviceInfo> removed, DateTimeOffset now)
    {
        var lines = removed.Select(d =>
            $"{now:yyyy-MM-ddTHH:mm:ssZ} root MFA device {d.Serial} (created {d.Created:yyyy-MM-ddTHH:mm:ssZ}) removed by `strata admin mfa reset` " +
            $"with local access (user {Environment.UserName} on {Environment.MachineName})").ToList();
        await File.AppendAllLinesAsync(Path.Combine(dataDirectory, LogFileName), lines);
        await File.AppendAllLinesAsync(Path.Combine(dataDirectory, PendingFileName), lines);
    }

    /// <summary>The resets not yet announced by a server start (and forgets them), or none.</summary>
    public static string[] TakePending(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, PendingFileName);
        if (!File.Exists(path)) return [];
        var lines = File.ReadAllLines(path);
        File.Delete(path);
        return lines;
    }
}

using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Strata.WebConsole.Sessions;

namespace Strata.WebConsole.Pages.Jobs;

/// <summary>
/// Each session's background jobs, bounded: a few running at once, a few dozen kept, a finished one kept for an hour.
/// A job is found only through the session that started it, so another user (or another sign-in) never sees it;
/// when the session is gone, its list goes with it.
/// </summary>
internal static class SessionJobs
{
    public const int MaxRunning = 2;
    public const int MaxKept = 20;
    public static readonly TimeSpan KeptAfterFinish = TimeSpan.FromHours(1);

    private static readonly ConditionalWeakTable<ConsoleSession, List<ConsoleJob>> Lists = new();

    public static ConsoleJob? Find(ConsoleSession session, string id, DateTimeOffset now)
    {
        var list = Lists.GetOrCreateValue(session);
        lock (list)
        {
            Prune(list, now);
            return list.Find(j => CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(j.Id), System.Text.Encoding.UTF8.GetBytes(id)));
        }
    }

    /// <summary>Adds a job to the session's list and starts it; null with the reason when the session has too many running.</summary>
    public static string? TryAdd(ConsoleSession session, ConsoleJob job, Action start, DateTimeOffset now)
    {
        var list = Lists.GetOrCreateValue(session);
        lock (list)
        {
            Prune(list, now);
            if (list.Count(j => j.IsRunning) >= MaxRunning) return $"{MaxRunning} restores of yours are running already; wait for one to finish. Nothing was changed.";
            // Beyond the cap the oldest finished job is forgotten first; running ones are never dropped.
            while (list.Count >= MaxKept && list.FindIndex(j => !j.IsRunning) is var oldest and >= 0) list.RemoveAt(oldest);
            list.Add(job);
            start();
            return null;
        }
    }

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static void Prune(List<ConsoleJob> list, DateTimeOffset now) =>
        list.RemoveAll(j => j.Finished is { } finished && now - finished > KeptAfterFinish);
}

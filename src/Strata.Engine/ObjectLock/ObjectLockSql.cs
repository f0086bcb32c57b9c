using Microsoft.Data.Sqlite;
using Strata.Core.ObjectLock;
using Strata.Engine.Metadata;

namespace Strata.Engine.ObjectLock;

/// <summary>A version's Object Lock columns (lock_mode, lock_until_ms, legal_hold) and the one question asked of them.</summary>
internal static class ObjectLockSql
{
    /// <summary>
    /// Is the version (table alias v) locked at $now (Unix ms)? The same answer as <see cref="ObjectLockState.IsLockedAt"/>,
    /// for a query that must leave locked versions out (lifecycle's expirations): legal hold on, or a retain-until date
    /// not yet passed. Never NULL (an unlocked version's columns are), so <c>NOT</c> of it selects the unlocked versions.
    /// </summary>
    public const string LockedAt = "(COALESCE(v.legal_hold, 0) = 1 OR COALESCE(v.lock_until_ms, 0) > $now)";

    /// <summary>Reads the three columns starting at <paramref name="first"/>.</summary>
    public static ObjectLockState Read(SqliteDataReader r, int first)
    {
        bool? legalHold = r.IsDBNull(first + 2) ? null : r.GetInt64(first + 2) != 0;
        if (r.IsDBNull(first) || r.IsDBNull(first + 1)) return legalHold is null ? ObjectLockState.None : new ObjectLockState(null, legalHold);
        ObjectLockModes.TryParse(r.GetString(first), out var mode);
        return new ObjectLockState(new ObjectRetention(mode, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(first + 1))), legalHold);
    }

    public static string? Mode(ObjectLockState state) => state.Retention is { } r ? ObjectLockModes.Name(r.Mode) : null;

    public static long? Until(ObjectLockState state) => state.Retention?.RetainUntil.ToUnixTimeMilliseconds();

    public static long? LegalHold(ObjectLockState state) => state.LegalHold is { } on ? (on ? 1 : 0) : null;

    public static Statement WithLock(this Statement command, ObjectLockState state) =>
        command.With("$lm", Mode(state)).With("$lu", Until(state)).With("$lh", LegalHold(state));
}

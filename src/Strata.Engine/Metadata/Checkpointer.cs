using Microsoft.Data.Sqlite;

namespace Strata.Engine.Metadata;

/// <summary>
/// WAL checkpoints off the committer's thread. The writer's automatic checkpoint is off (wal_autocheckpoint=0):
/// run inside a COMMIT it syncs the WAL, copies pages into metadata.db and syncs that, all while no batch can be
/// committed. Here a connection of its own runs a PASSIVE checkpoint after WAL syncs, at most every
/// <see cref="Interval"/>, concurrently with the committer (SQLite lets one checkpointer and one writer run at
/// once). A passive checkpoint cannot finish while writes keep arriving, so SQLite would never restart the WAL
/// from its beginning and the file would grow without bound; once it holds <see cref="RestartFrames"/> frames the
/// committer runs one itself between two batches (<see cref="FinishOnWriter"/>), copying only the frames written
/// since, and the next batch starts the WAL over.
/// Safety (see docs/ARCHITECTURE.md): every checkpoint syncs the WAL before it copies frames and syncs the database
/// after, and SQLite reuses the WAL only once every frame is copied, so no frame the WAL sync has not reached yet is
/// ever overwritten or lost.
/// </summary>
internal sealed class Checkpointer : IDisposable
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    public const long RestartFrames = 4096; // 16 MiB of 4 KiB pages, four times SQLite's automatic threshold

    private readonly SqliteConnection _connection;
    private readonly object _gate = new(); // a Monitor, for Wait and PulseAll
    private readonly Thread _thread;
    private bool _nudged;
    private bool _stopped;
    private volatile bool _restartWanted;

    public Checkpointer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        using (var full = _connection.CreateCommand())
        {
            // A checkpoint syncs the WAL before it copies and the database after, at any level but OFF; said outright.
            full.CommandText = "PRAGMA synchronous=FULL;";
            full.ExecuteNonQuery();
        }
        _thread = new Thread(Run) { IsBackground = true, Name = "strata checkpointer" };
        _thread.Start();
    }

    /// <summary>Frames were made durable: a checkpoint is due if the last one is <see cref="Interval"/> old.</summary>
    public void Nudge()
    {
        lock (_gate)
        {
            _nudged = true;
            Monitor.PulseAll(_gate);
        }
    }

    /// <summary>Called by the committer between batches, on its own connection, when the WAL has grown long.</summary>
    public void FinishOnWriter(SqliteConnection writer)
    {
        if (!_restartWanted) return;
        _restartWanted = false;
        var (_, frames, _) = Checkpoint(writer);
        if (frames < 0) _restartWanted = true; // the background checkpoint held the lock: try after the next batch
    }

    private void Run()
    {
        var due = TimeProvider.System.GetTimestamp();
        while (true)
        {
            lock (_gate)
            {
                while (!_stopped)
                {
                    var wait = _nudged ? TimeProvider.System.GetElapsedTime(TimeProvider.System.GetTimestamp(), due) : Timeout.InfiniteTimeSpan;
                    if (_nudged && wait <= TimeSpan.Zero) break;
                    Monitor.Wait(_gate, wait);
                }
                if (_stopped) return;
                _nudged = false;
            }
            try
            {
                var (_, frames, _) = Checkpoint(_connection);
                if (frames >= RestartFrames) _restartWanted = true;
            }
            catch (SqliteException)
            {
                // A checkpoint that fails (disk full) leaves the WAL as it was: the next one copies its frames.
            }
            due = TimeProvider.System.GetTimestamp() + (long)(Interval.TotalSeconds * TimeProvider.System.TimestampFrequency);
        }
    }

    /// <summary>PRAGMA wal_checkpoint(PASSIVE): (busy, frames in the WAL, frames copied); frames is -1 when another checkpoint ran.</summary>
    private static (long Busy, long Frames, long Copied) Checkpoint(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var r = command.ExecuteReader();
        return r.Read() ? (r.GetInt64(0), r.GetInt64(1), r.GetInt64(2)) : (0, 0, 0);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
            Monitor.PulseAll(_gate);
        }
        _thread.Join();
        _connection.Dispose();
    }
}

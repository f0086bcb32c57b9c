using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Strata.Core;

namespace Strata.Engine.Metadata;

/// <summary>
/// Group commit: every metadata write goes through one connection, and the writes that arrive while a
/// commit is under way share the next transaction. Each write runs in its own savepoint, so a refused write
/// (NoSuchBucket, PreconditionFailed…) changes nothing and does not spoil the others. Stack order is therefore
/// commit order, and every rule sees the state it changes. COMMIT does not sync (synchronous=NORMAL): the batch
/// goes to <see cref="WalSync"/>, which answers it after the WAL's fdatasync while this loop commits the next one.
/// </summary>
internal sealed class Committer : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly SqliteConnection _connection;
    private readonly StatementCache _statements;
    private readonly WalSync _sync;
    private readonly Checkpointer? _checkpointer;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private readonly WriteNotices _notices;

    public Committer(string connectionString, WriteNotices notices)
    {
        _notices = notices;
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            _statements = new StatementCache(_connection);
            Execute("PRAGMA synchronous=FULL;");
            Schema.Migrate(_connection); // committed with synchronous=FULL: durable before the first write is taken
            var wal = WalFile.Open(_connection.DataSource);
            // The WAL sync stage makes each batch durable and checkpoints run beside the committer; without it (off
            // Linux) every COMMIT syncs itself and SQLite checkpoints inside it, as before.
            if (wal is not null)
            {
                Execute("PRAGMA synchronous=NORMAL;");
                Execute("PRAGMA wal_autocheckpoint=0;");
                _checkpointer = new Checkpointer(connectionString);
            }
            _sync = new WalSync(wal, _checkpointer is null ? null : _checkpointer.Nudge);
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
        _loop = Task.Factory.StartNew(RunAsync, TaskCreationOptions.LongRunning).Unwrap();
    }

    /// <summary>Runs a read-only query on the writer's connection before serving starts (recovery).</summary>
    public SqliteConnection StartupConnection => _connection;

    public Task<T> WriteAsync<T>(Func<WriteTransaction, T> apply)
    {
        var pending = new PendingWrite<T>(apply);
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(Committer));
        return pending.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // While a committed batch still waits for its sync to start, the writes arriving now join the next batch.
            await _sync.WaitForRoomAsync().ConfigureAwait(false);
            _checkpointer?.FinishOnWriter(_connection);
            while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            CommitBatch(batch);
            Diagnostics.EngineMetrics.Committed(batch.Count, started);
            batch = new List<PendingWrite>(MaxBatch);
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        if (_sync.Broken is { } broken)
        {
            foreach (var pending in batch) pending.Fail(new IOException("The metadata sync failed earlier; restart the server.", broken));
            return;
        }
        var afterCommit = new List<Action>();
        try
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            var write = new WriteTransaction(_statements, tx, afterCommit, _notices);
            if (batch.Count == 1)
            {
                // Alone in its batch a write needs no savepoint: if it is refused, the transaction is rolled back whole.
                var single = batch[0];
                try
                {
                    single.Apply(write);
                }
                catch (Exception error)
                {
                    single.Refused = error;
                    tx.Rollback();
                    // The refusal may rest on a committed write whose sync is still in flight: it is answered after it.
                    _sync.Add(new CommittedBatch(batch, afterCommit));
                    return;
                }
                tx.Commit();
                _sync.Add(new CommittedBatch(batch, afterCommit));
                return;
            }
            foreach (var pending in batch)
            {
                Execute("SAVEPOINT w;", tx);
                var undoFrom = afterCommit.Count;
                try
                {
                    pending.Apply(write);
                    Execute("RELEASE w;", tx);
                }
                catch (Exception error)
                {
                    Execute("ROLLBACK TO w; RELEASE w;", tx);
                    afterCommit.RemoveRange(undoFrom, afterCommit.Count - undoFrom);
                    pending.Refused = error;
                }
            }
            tx.Commit();
        }
        catch (Exception error)
        {
            // The commit itself failed (disk full, I/O error): nothing of the batch is durable. The cause goes to the
            // front end's log as an InternalError; its text (SQLite's) is never sent to clients.
            foreach (var pending in batch) pending.Fail(error is StrataException ? error : new IOException("The metadata commit failed.", error));
            return;
        }
        _sync.Add(new CommittedBatch(batch, afterCommit));
    }

    private void Execute(string sql, SqliteTransaction? tx = null)
    {
        using var statement = _statements.Rent(sql, tx);
        statement.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _sync.Dispose(); // syncs and answers the last batches
        _checkpointer?.Dispose();
        _statements.Dispose();
        _connection.Dispose();
    }
}

/// <summary>The open batch transaction as one write sees it.</summary>
internal sealed class WriteTransaction(StatementCache statements, SqliteTransaction transaction, List<Action> afterCommit, WriteNotices notices)
{
    /// <summary>The engine's notices; raise one with <see cref="AfterCommit"/>, so that it is heard only once the write is durable.</summary>
    public WriteNotices Notices => notices;

    /// <summary>A prepared statement of the writer's connection inside this transaction; dispose it after its reader.</summary>
    public Statement Command(string sql) => statements.Rent(sql, transaction);

    /// <summary>Work that may only happen once the batch is durable (after the WAL sync), such as unlinking a replaced blob.</summary>
    public void AfterCommit(Action action) => afterCommit.Add(action);
}

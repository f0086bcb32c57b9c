using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Strata.Core;

namespace Strata.Engine.Metadata;

/// <summary>
/// Group commit: every metadata write goes through one connection, and the writes that arrive while a
/// commit is under way share the next transaction and its single WAL fsync. Each write runs in its own
/// savepoint, so a refused write (NoSuchBucket, PreconditionFailed…) changes nothing and does not spoil
/// the others. Stack order is therefore commit order, and every rule sees the state it changes.
/// </summary>
internal sealed class Committer : IAsyncDisposable
{
    private const int MaxBatch = 256;
    private readonly SqliteConnection _connection;
    private readonly StatementCache _statements;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;

    public Committer(string connectionString)
    {
        _connection = new SqliteConnection(connectionString);
        try
        {
            _connection.Open();
            _statements = new StatementCache(_connection);
            Execute("PRAGMA synchronous=FULL;");
            Schema.Migrate(_connection);
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
            while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            CommitBatch(batch);
            Diagnostics.EngineMetrics.Committed(batch.Count, started);
            batch.Clear();
        }
    }

    private void CommitBatch(List<PendingWrite> batch)
    {
        var afterCommit = new List<Action>();
        try
        {
            using var tx = _connection.BeginTransaction(deferred: false);
            var write = new WriteTransaction(_statements, tx, afterCommit);
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
                    single.Complete();
                    return;
                }
                tx.Commit();
                RunAfterCommit(afterCommit);
                single.Complete();
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
        RunAfterCommit(afterCommit);
        foreach (var pending in batch) pending.Complete();
    }

    private static void RunAfterCommit(List<Action> afterCommit)
    {
        foreach (var action in afterCommit)
        {
            try
            {
                action();
            }
            catch (IOException)
            {
                // An unlink that failed leaves an orphan blob; the start-up sweep removes it.
            }
        }
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
        _statements.Dispose();
        _connection.Dispose();
    }

    private abstract class PendingWrite
    {
        public Exception? Refused { get; set; }
        public abstract void Apply(WriteTransaction write);
        public abstract void Complete();
        public abstract void Fail(Exception error);
    }

    private sealed class PendingWrite<T>(Func<WriteTransaction, T> apply) : PendingWrite
    {
        private readonly TaskCompletionSource<T> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;

        public Task<T> Task => _done.Task;

        public override void Apply(WriteTransaction write) => _result = apply(write);

        public override void Complete()
        {
            if (Refused is not null) _done.TrySetException(Refused);
            else _done.TrySetResult(_result!);
        }

        public override void Fail(Exception error) => _done.TrySetException(error);
    }
}

/// <summary>The open batch transaction as one write sees it.</summary>
internal sealed class WriteTransaction(StatementCache statements, SqliteTransaction transaction, List<Action> afterCommit)
{
    /// <summary>A prepared statement of the writer's connection inside this transaction; dispose it after its reader.</summary>
    public Statement Command(string sql) => statements.Rent(sql, transaction);

    /// <summary>Work that may only happen once the batch is durable, such as unlinking a replaced blob.</summary>
    public void AfterCommit(Action action) => afterCommit.Add(action);
}

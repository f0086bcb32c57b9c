using Microsoft.Data.Sqlite;

namespace Strata.Engine.Metadata;

/// <summary>
/// One connection's prepared statements, kept by SQL text. Microsoft.Data.Sqlite prepares a command's
/// SQL on its first execution and keeps the prepared statement while the command lives, so a statement rented
/// again is only bound and stepped, not parsed and planned again (that was a third of the committer's time per
/// small PUT). A statement rented while the same SQL is still in use (a nested query) gets a command of its own.
/// Not thread-safe: the committer's connection is used by its one thread, a read session by one request at a time.
/// </summary>
internal sealed class StatementCache(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, Stack<SqliteCommand>> _idle = new(StringComparer.Ordinal);

    public Statement Rent(string sql, SqliteTransaction? transaction)
    {
        if (!_idle.TryGetValue(sql, out var idle) || !idle.TryPop(out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
        }
        command.Transaction = transaction;
        return new Statement(this, command);
    }

    internal void Return(SqliteCommand command)
    {
        command.Parameters.Clear();
        command.Transaction = null;
        if (!_idle.TryGetValue(command.CommandText, out var idle)) _idle[command.CommandText] = idle = new Stack<SqliteCommand>(1);
        idle.Push(command);
    }

    public void Dispose()
    {
        foreach (var idle in _idle.Values)
        {
            foreach (var command in idle) command.Dispose();
        }
        _idle.Clear();
    }
}

/// <summary>A rented statement: bind with <see cref="With"/>, run, and dispose to give it back (after its reader).</summary>
internal sealed class Statement(StatementCache cache, SqliteCommand command) : IDisposable
{
    private bool _returned;

    public Statement With(string name, object? value)
    {
        command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return this;
    }

    public int ExecuteNonQuery() => command.ExecuteNonQuery();

    public object? ExecuteScalar() => command.ExecuteScalar();

    public SqliteDataReader ExecuteReader() => command.ExecuteReader();

    public void Dispose()
    {
        if (_returned) return;
        _returned = true;
        cache.Return(command);
    }
}

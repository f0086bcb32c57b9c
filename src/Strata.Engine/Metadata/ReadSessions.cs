using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;

namespace Strata.Engine.Metadata;

/// <summary>
/// Read-only connections kept open with their prepared statements, one request at a time each. A GET's two
/// lookups (bucket, then version) are then bound and stepped, not parsed and planned again per request.
/// </summary>
internal sealed class ReadSessions(string connectionString) : IDisposable
{
    private const int MaxIdle = 64;
    private readonly ConcurrentBag<ReadSession> _idle = [];
    private bool _disposed;

    public ReadSession Rent()
    {
        if (_idle.TryTake(out var session)) return session;
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        return new ReadSession(this, connection);
    }

    internal void Return(ReadSession session)
    {
        if (Volatile.Read(ref _disposed) || _idle.Count >= MaxIdle) session.Close();
        else _idle.Add(session);
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryTake(out var session)) session.Close();
    }
}

/// <summary>One rented read connection; dispose it to give it back.</summary>
internal sealed class ReadSession(ReadSessions owner, SqliteConnection connection) : IDisposable
{
    private readonly StatementCache _statements = new(connection);

    /// <summary>For queries that are not worth keeping prepared (listings build their SQL per request).</summary>
    public SqliteConnection Connection => connection;

    /// <summary>A statement kept prepared on this connection; dispose it after its reader.</summary>
    public Statement Command(string sql) => _statements.Rent(sql, transaction: null);

    public void Dispose() => owner.Return(this);

    internal void Close()
    {
        _statements.Dispose();
        connection.Dispose();
    }
}

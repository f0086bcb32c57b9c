namespace Strata.Engine;

/// <summary>What /_strata/ready asks of the engine.</summary>
public sealed partial class StorageEngine
{
    /// <summary>The data directory's full path.</summary>
    public string DataDirectory => _options.DataDirectory.Directory;

    /// <summary>
    /// Runs one query on a read connection, as every GET and listing does: true when the metadata database answers.
    /// Throws what SQLite threw when it does not (the caller logs it; the reason is not sent to an anonymous prober).
    /// </summary>
    public bool DatabaseAnswers()
    {
        using var session = Read();
        using var command = session.Connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM (SELECT 1 FROM buckets LIMIT 1);";
        return command.ExecuteScalar() is long;
    }
}

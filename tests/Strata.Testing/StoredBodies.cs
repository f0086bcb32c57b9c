using Microsoft.Data.Sqlite;

namespace Strata.Testing;

/// <summary>
/// Damage done to a stopped server's data directory, as rot or a careless hand would do it: a byte flipped in a blob file,
/// in an inline body kept in metadata.db, or a blob file removed. Versions are found by their (unique) version id.
/// </summary>
public static class StoredBodies
{
    /// <summary>The blob file of a version's own body (part 0) or of one of its parts; null when the body is inline.</summary>
    public static string? BlobPath(string dataDirectory, string versionId, int partNumber = 0)
    {
        using var connection = Open(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = partNumber == 0
            ? "SELECT blob_id FROM versions WHERE version_id = $v"
            : "SELECT p.blob_id FROM version_parts p JOIN versions v ON v.seq = p.seq WHERE v.version_id = $v AND p.part_number = $n";
        command.Parameters.AddWithValue("$v", versionId);
        command.Parameters.AddWithValue("$n", partNumber);
        var blobId = command.ExecuteScalar() as string;
        return blobId is null ? null : Path.Combine(dataDirectory, "blobs", blobId[..2], blobId);
    }

    /// <summary>Inverts one byte of the version's blob file, in place.</summary>
    public static void FlipBlobByte(string dataDirectory, string versionId, long offset, int partNumber = 0)
    {
        var path = BlobPath(dataDirectory, versionId, partNumber) ?? throw new InvalidOperationException($"version {versionId} has no blob file");
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)~value);
    }

    /// <summary>Inverts the first byte of the version's inline body in metadata.db.</summary>
    public static void FlipInlineByte(string dataDirectory, string versionId)
    {
        using var connection = Open(dataDirectory);
        byte[] inline;
        using (var read = connection.CreateCommand())
        {
            read.CommandText = "SELECT inline FROM versions WHERE version_id = $v";
            read.Parameters.AddWithValue("$v", versionId);
            inline = read.ExecuteScalar() as byte[] ?? throw new InvalidOperationException($"version {versionId} has no inline body");
        }
        inline[0] = (byte)~inline[0];
        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE versions SET inline = $i WHERE version_id = $v";
        write.Parameters.AddWithValue("$i", inline);
        write.Parameters.AddWithValue("$v", versionId);
        write.ExecuteNonQuery();
    }

    public static void DeleteBlob(string dataDirectory, string versionId, int partNumber = 0) =>
        File.Delete(BlobPath(dataDirectory, versionId, partNumber) ?? throw new InvalidOperationException($"version {versionId} has no blob file"));

    /// <summary>Runs SQL on metadata.db (the server stopped).</summary>
    public static void Execute(string dataDirectory, string sql)
    {
        using var connection = Open(dataDirectory);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static SqliteConnection Open(string dataDirectory)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "metadata.db")};Pooling=False");
        connection.Open();
        return connection;
    }
}

using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Strata.Cli.Tests;

/// <summary>
/// A downgrade: a data directory written by a newer Strata (its schema above this build's) is refused with one
/// plain line and exit 1, and not one of its files is changed, so the newer build still opens it. The lock file is
/// the one exception: it holds the pid of whichever process last held the directory.
/// </summary>
public sealed class NewerDataDirectory
{
    [Fact]
    public async Task A_data_directory_from_a_newer_schema_is_refused_and_left_byte_for_byte_as_it_was()
    {
        var server = new StrataServer();
        try
        {
            await server.StartAsync();
            using (var s3 = server.CreateClient())
            {
                var bucket = await server.CreateBucketAsync();
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "inline.txt", ContentBody = "kept" });
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "blob.bin", InputStream = new MemoryStream(RandomNumberGenerator.GetBytes(64 * 1024)) });
            }
            await server.StopAsync();
            var database = Path.Combine(server.DataDirectory, "metadata.db");
            int newer;
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA user_version;";
                newer = Convert.ToInt32(command.ExecuteScalar()) + 1;
                command.CommandText = $"PRAGMA user_version = {newer};";
                command.ExecuteNonQuery();
            }
            SqliteConnection.ClearAllPools();
            var before = Snapshot(server.DataDirectory);

            // A root key other than the stored one, which a start that goes ahead writes to root-credentials.json.
            var result = await StrataCli.RunAsync(["serve", "--data", server.DataDirectory, "--listen", "127.0.0.1:0"], new Dictionary<string, string>
            {
                ["STRATA_ROOT_ACCESS_KEY"] = "NEWERROOTKEY00000001",
                ["STRATA_ROOT_SECRET_KEY"] = "newer-secret-0123456789abcdefghijklmnopq",
            });

            Assert.True(result.ExitCode == 1, result.ToString());
            Assert.Equal($"strata serve: The data directory was written by a newer Strata (schema {newer}; this build knows schema {newer - 1} and older). Run that version or a newer one.",
                result.Stderr.TrimEnd());
            Assert.DoesNotContain("serving S3", result.Stdout);
            Assert.Equal(before, Snapshot(server.DataDirectory));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Every file but the lock: its path, size, SHA-256 and last write time, one line each in path order.</summary>
    private static List<string> Snapshot(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(file => Path.GetFileName(file) != "lock")
            .Order(StringComparer.Ordinal)
            .Select(file => $"{Path.GetRelativePath(directory, file)} {new FileInfo(file).Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)))} {File.GetLastWriteTimeUtc(file):O}")
            .ToList();
}

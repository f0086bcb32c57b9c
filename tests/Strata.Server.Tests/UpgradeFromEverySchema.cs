using System.Reflection;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;

namespace Strata.Server.Tests;

/// <summary>
/// Upgrades: a data directory at every earlier schema opens in this build, is migrated forward, and serves every
/// version it held byte for byte: versions of one key, a delete marker on top, a multipart object (schema 2 on),
/// bodies inline in the database and in blob files. Each old directory is written by this build and taken back
/// with <see cref="SchemaDowngrades"/>, and its tables and indexes are first checked to be exactly what the
/// migrations up to that schema create from empty: the old DDL, so the directory is what that release left.
/// </summary>
public sealed class UpgradeFromEverySchema(UpgradeFromEverySchema.OldData data) : IClassFixture<UpgradeFromEverySchema.OldData>
{
    public static TheoryData<int> EarlierSchemas()
    {
        var schemas = new TheoryData<int>();
        for (var schema = 1; schema < SchemaDowngrades.Newest; schema++) schemas.Add(schema);
        return schemas;
    }

    [Fact]
    public void Every_migration_has_its_undo_so_every_earlier_schema_is_tested()
    {
        Assert.Equal(data.CurrentSchema, SchemaDowngrades.Newest);
        Assert.Equal(data.CurrentSchema, OldData.Migrations().Length);
    }

    [Theory]
    [MemberData(nameof(EarlierSchemas))]
    public async Task A_data_directory_of_an_earlier_schema_opens_and_serves_every_version_byte_for_byte(int schema)
    {
        // Schema 1 had no multipart uploads, so its directory was written without one.
        var template = schema >= 2 ? data.WithMultipart : data.WithoutMultipart;
        var server = new StrataServer();
        try
        {
            OldData.CopyDirectory(template.Directory, server.DataDirectory);
            var database = Path.Combine(server.DataDirectory, "metadata.db");
            OldData.Execute(database, SchemaDowngrades.To(schema));
            Assert.Equal(OldData.SchemaFromMigrations(schema), OldData.SchemaOf(database));

            await server.StartAsync();

            Assert.Equal(data.CurrentSchema, OldData.UserVersion(database));
            using var s3 = server.CreateClient();
            var listed = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = OldData.Bucket });
            Assert.Equal(template.Versions.Select(v => v.Line), listed.Versions.Select(OldData.Line));
            foreach (var version in template.Versions.Where(v => v.Sha256 is not null))
            {
                using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = OldData.Bucket, Key = version.Key, VersionId = version.VersionId });
                Assert.Equal(version.Sha256, Convert.ToHexString(await SHA256.HashDataAsync(get.ResponseStream)));
            }
            var hidden = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(OldData.Bucket, "deleted.txt"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, hidden.StatusCode);
            // Migrated, not only readable: a write lands on top of the old stack.
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = OldData.Bucket, Key = "inline.txt", ContentBody = "after the upgrade" });
            using var latest = await s3.GetObjectAsync(OldData.Bucket, "inline.txt");
            Assert.Equal("after the upgrade", await new StreamReader(latest.ResponseStream).ReadToEndAsync());
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Two data directories written once by this build: with a multipart object, and without (for schema 1).</summary>
    public sealed class OldData : IAsyncLifetime
    {
        public const string Bucket = "upgraded";

        public Template WithMultipart { get; private set; } = null!;
        public Template WithoutMultipart { get; private set; } = null!;
        public int CurrentSchema { get; private set; }

        public sealed record Version(string Key, string VersionId, string Line, string? Sha256);

        public sealed record Template(string Directory, IReadOnlyList<Version> Versions);

        public async Task InitializeAsync()
        {
            WithMultipart = await WriteAsync(multipart: true);
            WithoutMultipart = await WriteAsync(multipart: false);
            CurrentSchema = UserVersion(Path.Combine(WithMultipart.Directory, "metadata.db"));
        }

        public Task DisposeAsync()
        {
            foreach (var template in new[] { WithMultipart, WithoutMultipart })
            {
                if (template is not null) Directory.Delete(template.Directory, recursive: true);
            }
            return Task.CompletedTask;
        }

        private static async Task<Template> WriteAsync(bool multipart)
        {
            var server = new StrataServer();
            var directory = Path.Combine(Path.GetTempPath(), "strata-old-" + Guid.NewGuid().ToString("N")[..12]);
            try
            {
                await server.StartAsync();
                using var s3 = server.CreateClient();
                await s3.PutBucketAsync(Bucket);
                await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                {
                    BucketName = Bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
                });
                await PutAsync(s3, "inline.txt", "first"u8.ToArray());
                await PutAsync(s3, "inline.txt", "second"u8.ToArray());
                // Above the 16 KiB inline threshold: blob files.
                await PutAsync(s3, "blob.bin", RandomNumberGenerator.GetBytes(40 * 1024));
                await PutAsync(s3, "blob.bin", RandomNumberGenerator.GetBytes(20 * 1024 + 7));
                await PutAsync(s3, "deleted.txt", "deleted"u8.ToArray());
                await s3.DeleteObjectAsync(Bucket, "deleted.txt");
                if (multipart)
                {
                    var upload = await s3.InitiateMultipartUploadAsync(Bucket, "multipart.bin");
                    List<PartETag> parts = [];
                    byte[][] bodies = [RandomNumberGenerator.GetBytes(5 * 1024 * 1024), RandomNumberGenerator.GetBytes(3000)];
                    for (var number = 1; number <= bodies.Length; number++)
                    {
                        var part = await s3.UploadPartAsync(new UploadPartRequest
                        {
                            BucketName = Bucket, Key = "multipart.bin", UploadId = upload.UploadId, PartNumber = number, InputStream = new MemoryStream(bodies[number - 1]),
                        });
                        parts.Add(new PartETag(number, part.ETag));
                    }
                    await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = Bucket, Key = "multipart.bin", UploadId = upload.UploadId, PartETags = parts });
                }
                var versions = new List<Version>();
                foreach (var listed in (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = Bucket })).Versions)
                {
                    string? sha256 = null;
                    if (listed.IsDeleteMarker != true)
                    {
                        using var get = await s3.GetObjectAsync(new GetObjectRequest { BucketName = Bucket, Key = listed.Key, VersionId = listed.VersionId });
                        sha256 = Convert.ToHexString(await SHA256.HashDataAsync(get.ResponseStream));
                    }
                    versions.Add(new Version(listed.Key, listed.VersionId, Line(listed), sha256));
                }
                Assert.Equal(multipart ? 7 : 6, versions.Count);
                await server.StopAsync();
                CopyDirectory(server.DataDirectory, directory);
                return new Template(directory, versions);
            }
            finally
            {
                await server.DisposeAsync();
            }
        }

        private static Task PutAsync(IAmazonS3 s3, string key, byte[] body) =>
            s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, InputStream = new MemoryStream(body) });

        /// <summary>What a listing shows of one version: key, id, latest or not, marker or not, size, ETag.</summary>
        public static string Line(S3ObjectVersion v) => $"{v.Key} {v.VersionId} latest={v.IsLatest} marker={v.IsDeleteMarker} {v.Size} {v.ETag}";

        /// <summary>Every file but the lock, which belongs to the process holding the directory.</summary>
        public static void CopyDirectory(string from, string to)
        {
            foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(from, file);
                if (relative == "lock") continue;
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(to, relative))!);
                File.Copy(file, Path.Combine(to, relative));
            }
        }

        public static void Execute(string database, string sql)
        {
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.ExecuteNonQuery();
            }
            SqliteConnection.ClearAllPools();
        }

        public static int UserVersion(string database)
        {
            using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version;";
            return Convert.ToInt32(command.ExecuteScalar());
        }

        // The engine's own migration list, read as it ships: the test must not keep a second copy of the old DDL.
        public static string[] Migrations() =>
            (string[])typeof(Strata.Engine.StorageEngine).Assembly.GetType("Strata.Engine.Metadata.Schema", throwOnError: true)!
                .GetField("Migrations", BindingFlags.NonPublic | BindingFlags.Static)!.GetValue(null)!;

        /// <summary>The tables, columns and indexes that migrations 1..<paramref name="schema"/> create in an empty database.</summary>
        public static string SchemaFromMigrations(int schema)
        {
            var database = Path.Combine(Path.GetTempPath(), "strata-ddl-" + Guid.NewGuid().ToString("N")[..12] + ".db");
            try
            {
                Execute(database, string.Join("\n", Migrations().Take(schema)) + $"\nPRAGMA user_version = {schema};");
                return SchemaOf(database);
            }
            finally
            {
                File.Delete(database);
            }
        }

        /// <summary>A database's shape, one line per column and index, in name order; plus its user_version.</summary>
        public static string SchemaOf(string database)
        {
            using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=False");
            connection.Open();
            var lines = new List<string>();
            var tables = new List<string>();
            using (var master = connection.CreateCommand())
            {
                master.CommandText = "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name;";
                using var reader = master.ExecuteReader();
                while (reader.Read())
                {
                    if (reader.GetString(0) == "table")
                    {
                        tables.Add(reader.GetString(1));
                        lines.Add($"table {reader.GetString(1)} without-rowid={reader.GetString(3).Contains("WITHOUT ROWID", StringComparison.OrdinalIgnoreCase)}");
                    }
                    else if (reader.GetString(0) == "index") lines.Add($"index {reader.GetString(1)} on {reader.GetString(2)}: {string.Join(' ', reader.GetString(3).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))}");
                }
            }
            foreach (var table in tables)
            {
                using var columns = connection.CreateCommand();
                columns.CommandText = $"PRAGMA table_xinfo(\"{table}\");";
                using var reader = columns.ExecuteReader();
                while (reader.Read())
                {
                    lines.Add($"column {table}.{reader.GetString(1)} {reader.GetString(2)} notnull={reader.GetInt64(3)} default={(reader.IsDBNull(4) ? "none" : reader.GetString(4))} pk={reader.GetInt64(5)}");
                }
            }
            lines.Add($"user_version {UserVersion(database)}");
            return string.Join("\n", lines);
        }
    }
}

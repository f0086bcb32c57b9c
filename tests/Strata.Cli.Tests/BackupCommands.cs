using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>`strata admin backup`, `strata backup` (offline) and `strata restore-data`: incremental runs, refusals, damaged backups.</summary>
public sealed class BackupCommands(StrataServer server) : IClassFixture<StrataServer>, IDisposable
{
    private readonly string _destination = BackupPaths.Temporary("backup");
    private readonly string _restored = BackupPaths.Temporary("restored");

    private static Task<CliResult> OfflineAsync(params string[] args) => StrataCli.RunAsync(args, new Dictionary<string, string>());

    private async Task<(string Bucket, List<string> VersionIds)> PutBlobsAsync(int count, string? bucket = null)
    {
        using var s3 = server.CreateClient();
        bucket ??= await server.CreateBucketAsync(versioning: true);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = $"photo-{i}.jpg", ContentBody = new string((char)('a' + i), 40_000) });
            ids.Add(put.VersionId);
        }
        return (bucket, ids);
    }

    private static int Placed(JsonElement report) => report.GetProperty("blobsLinked").GetInt32() + report.GetProperty("blobsCopied").GetInt32();

    private int BlobFilesInBackup() => Directory.EnumerateFiles(Path.Combine(_destination, "blobs"), "*", SearchOption.AllDirectories).Count();

    [Fact]
    public async Task A_second_backup_copies_only_new_blobs_and_drops_the_ones_no_longer_named()
    {
        var (bucket, ids) = await PutBlobsAsync(3);
        var first = BackupPaths.Report(await StrataCli.RunAsync(server, "admin", "backup", _destination, "--json"));
        var baseline = BlobFilesInBackup();

        using var s3 = server.CreateClient();
        await PutBlobsAsync(2, bucket); // two more versions, over photo-0 and photo-1
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "photo-2.jpg", VersionId = ids[2] });
        var second = BackupPaths.Report(await StrataCli.RunAsync(server, "admin", "backup", _destination, "--json"));

        Assert.Equal(first.GetProperty("generation").GetInt32() + 1, second.GetProperty("generation").GetInt32());
        Assert.Equal(2, Placed(second));
        Assert.Equal(baseline - 1, second.GetProperty("blobsKept").GetInt32());
        Assert.Equal(1, second.GetProperty("blobsRemoved").GetInt32());
        Assert.Equal(baseline + 1, BlobFilesInBackup());
        Assert.Single(Directory.EnumerateDirectories(_destination, "snapshot-*"));
    }

    [Fact]
    public async Task An_online_backup_that_finds_a_blob_file_gone_names_it_and_exits_1()
    {
        await using var own = new StrataServer();
        await own.InitializeAsync();
        var bucket = await own.CreateBucketAsync(versioning: true);
        using (var s3 = own.CreateClient())
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "kept.jpg", ContentBody = new string('k', 40_000) });
            var gone = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "gone.jpg", ContentBody = new string('g', 40_000) });
            await own.StopAsync();
            StoredBodies.DeleteBlob(own.DataDirectory, gone.VersionId);
        }
        await own.StartAsync();

        var result = await StrataCli.RunAsync(own, "admin", "backup", _destination);

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("is named by the metadata but missing from the data directory", result.Stderr);
        Assert.Single(Directory.EnumerateFiles(Path.Combine(_destination, "blobs"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Restore_refuses_a_backup_whose_blob_was_damaged_and_leaves_nothing_behind()
    {
        await PutBlobsAsync(2);
        // --copy: a hard-linked blob would share its bytes with the live data directory, which the damage must not reach.
        var report = BackupPaths.Report(await StrataCli.RunAsync(server, "admin", "backup", _destination, "--copy", "--json"));
        Assert.Equal(0, report.GetProperty("blobsLinked").GetInt32());
        var blob = Directory.EnumerateFiles(Path.Combine(_destination, "blobs"), "*", SearchOption.AllDirectories).First();
        await using (var file = new FileStream(blob, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = 100;
            var original = file.ReadByte();
            file.Position = 100;
            file.WriteByte((byte)(original ^ 0xFF));
        }

        var restore = await OfflineAsync("restore-data", _destination, "--data", _restored);

        Assert.Equal(3, restore.ExitCode);
        Assert.Contains("is damaged", restore.Stderr);
        Assert.Contains(Path.GetFileName(blob), restore.Stderr);
        Assert.Contains("nothing was restored", restore.Stderr);
        Assert.DoesNotContain("   at ", restore.Stderr);
        Assert.False(Directory.Exists(_restored));
    }

    [Fact]
    public async Task Restore_refuses_a_damaged_metadata_snapshot()
    {
        await PutBlobsAsync(1);
        BackupPaths.Report(await StrataCli.RunAsync(server, "admin", "backup", _destination, "--json"));
        var snapshot = Directory.EnumerateFiles(_destination, "metadata.db", SearchOption.AllDirectories).Single();
        var bytes = await File.ReadAllBytesAsync(snapshot);
        bytes[^1] ^= 0x01;
        await File.WriteAllBytesAsync(snapshot, bytes);

        var restore = await OfflineAsync("restore-data", _destination, "--data", _restored);

        Assert.Equal(3, restore.ExitCode);
        Assert.Contains("metadata.db does not match", restore.Stderr);
        Assert.False(Directory.Exists(_restored));
    }

    [Fact]
    public async Task Restore_refuses_a_directory_that_is_not_empty_and_one_that_is_not_a_backup()
    {
        Directory.CreateDirectory(_restored);
        await File.WriteAllTextAsync(Path.Combine(_restored, "notes.txt"), "mine");
        await PutBlobsAsync(1);
        BackupPaths.Report(await StrataCli.RunAsync(server, "admin", "backup", _destination, "--json"));

        var notEmpty = await OfflineAsync("restore-data", _destination, "--data", _restored);
        var notBackup = await OfflineAsync("restore-data", _restored, "--data", _restored + "-other");

        Assert.Equal(3, notEmpty.ExitCode);
        Assert.Contains("is not empty", notEmpty.Stderr);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(_restored).Select(Path.GetFileName));
        Assert.Equal(3, notBackup.ExitCode);
        Assert.Contains("is not a Strata backup", notBackup.Stderr);
    }

    [Fact]
    public async Task A_destination_inside_the_data_directory_is_refused()
    {
        var inside = Path.Combine(server.DataDirectory, "backups");

        var online = await StrataCli.RunAsync(server, "admin", "backup", inside);
        var offline = await OfflineAsync("backup", "--data", server.DataDirectory, inside);

        Assert.Equal(1, online.ExitCode);
        Assert.Contains("is inside the data directory", online.Stderr);
        Assert.Equal(2, offline.ExitCode); // refused as wrong arguments before the lock is even tried
        Assert.Contains("is inside the data directory", offline.Stderr);
        Assert.False(Directory.Exists(inside));
    }

    [Fact]
    public async Task A_destination_with_other_files_is_refused()
    {
        Directory.CreateDirectory(_destination);
        await File.WriteAllTextAsync(Path.Combine(_destination, "thesis.tex"), "keep me");

        var backup = await StrataCli.RunAsync(server, "admin", "backup", _destination);

        Assert.Equal(1, backup.ExitCode);
        Assert.Contains("is not empty and is not a Strata backup", backup.Stderr);
        Assert.Equal("keep me", await File.ReadAllTextAsync(Path.Combine(_destination, "thesis.tex")));
    }

    [Fact]
    public async Task Offline_backup_is_refused_while_a_server_runs_and_restores_a_stopped_one_with_its_keys()
    {
        var (bucket, ids) = await PutBlobsAsync(2);
        var (userKey, userSecret) = await server.CreateUserAsync("backup-reader-" + Guid.NewGuid().ToString("N")[..6],
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");

        var whileRunning = await OfflineAsync("backup", "--data", server.DataDirectory, _destination);
        Assert.Equal(1, whileRunning.ExitCode);
        Assert.Contains("in use by another Strata process", whileRunning.Stderr);
        Assert.Contains("strata admin backup", whileRunning.Stderr);
        Assert.DoesNotContain("   at ", whileRunning.Stderr);
        Assert.False(File.Exists(Path.Combine(_destination, "manifest.json")));

        await server.StopAsync();
        CliResult offline;
        try
        {
            offline = await OfflineAsync("backup", "--data", server.DataDirectory, _destination, "--json");
        }
        finally
        {
            await server.StartAsync();
        }
        Assert.True(BackupPaths.Report(offline).GetProperty("versions").GetInt64() >= 2);
        Assert.DoesNotContain(Directory.EnumerateFiles(_destination, "*", SearchOption.AllDirectories), f => Path.GetFileName(f) == "lock");

        var restore = await OfflineAsync("restore-data", _destination, "--data", _restored);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        Assert.Contains($"strata serve --data {_restored}", restore.Stderr);
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_restored, "secret.key")));

        await using var copy = await RestoredServer.StartAsync(_restored);
        // The user's key is sealed under secret.key: it works only if the key file came along.
        using var asUser = copy.CreateClient(userKey, userSecret);
        Assert.Equal(new string('b', 40_000), System.Text.Encoding.ASCII.GetString(await BackupPaths.ReadAllAsync(asUser, bucket, "photo-1.jpg", ids[1])));
    }

    [Fact]
    public async Task Leftovers_of_an_interrupted_run_spoil_neither_the_restore_nor_the_next_backup()
    {
        var (bucket, ids) = await PutBlobsAsync(2);
        BackupPaths.Report(await StrataCli.RunAsync(server, "admin", "backup", _destination, "--json"));
        // What a run killed before its manifest was committed leaves: a half-made snapshot folder, a partial copy, a stray blob.
        Directory.CreateDirectory(Path.Combine(_destination, "snapshot-000099"));
        await File.WriteAllTextAsync(Path.Combine(_destination, "snapshot-000099", "metadata.db"), "half");
        Directory.CreateDirectory(Path.Combine(_destination, "blobs", "ff"));
        await File.WriteAllTextAsync(Path.Combine(_destination, "blobs", "ff", "ff" + new string('0', 30) + ".partial"), "half");
        await File.WriteAllTextAsync(Path.Combine(_destination, "blobs", "ff", "ff" + new string('1', 30)), "stray");

        var restore = await OfflineAsync("restore-data", _destination, "--data", _restored);
        Assert.True(restore.ExitCode == 0, restore.ToString());
        await using (var copy = await RestoredServer.StartAsync(_restored))
        {
            using var s3 = copy.CreateClient();
            Assert.Equal(new string('a', 40_000), System.Text.Encoding.ASCII.GetString(await BackupPaths.ReadAllAsync(s3, bucket, "photo-0.jpg", ids[0])));
        }

        var again = BackupPaths.Report(await StrataCli.RunAsync(server, "admin", "backup", _destination, "--json"));
        Assert.Equal(1, again.GetProperty("blobsRemoved").GetInt32());
        Assert.False(Directory.Exists(Path.Combine(_destination, "blobs", "ff")));
        Assert.Single(Directory.EnumerateDirectories(_destination, "snapshot-*"));
    }

    [Fact]
    public async Task Missing_arguments_exit_2_and_a_directory_that_is_not_a_data_directory_exits_3()
    {
        var noData = await OfflineAsync("backup", _destination);
        var noTarget = await OfflineAsync("restore-data", _destination);
        var notData = await OfflineAsync("backup", "--data", Path.GetTempPath(), _destination);

        Assert.Equal(2, noData.ExitCode);
        Assert.Contains("--data", noData.Stderr);
        Assert.Equal(2, noTarget.ExitCode);
        Assert.Equal(3, notData.ExitCode);
        Assert.Contains("is not a Strata data directory", notData.Stderr);
        Assert.False(Directory.Exists(_destination));
    }

    public void Dispose()
    {
        BackupPaths.Remove(_destination);
        BackupPaths.Remove(_restored);
        BackupPaths.Remove(_restored + "-other");
    }
}

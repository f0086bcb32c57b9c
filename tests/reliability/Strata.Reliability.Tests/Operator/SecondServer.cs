using System.Diagnostics;
using System.Security.Cryptography;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Operator;

/// <summary>
/// An operator mistake: a second `strata serve` on a data directory a running server holds. Before the directory
/// lock, the second server's start-up sweep removed the first one's unfinished upload as an orphan; the first then
/// acknowledged the PUT, and every GET of that version failed (issue #11). Now the second server refuses at once,
/// before it reads, creates or sweeps anything.
/// </summary>
public sealed class SecondServer
{
    private const string Bucket = "media";
    private const long UploadSize = 256L * 1024 * 1024;
    private const long HeldAt = 64L * 1024 * 1024;
    private const int Seed = 4711;

    // Not a timing assertion: a refused start that hangs would otherwise hang the run.
    private static readonly TimeSpan RefusalLimit = TimeSpan.FromSeconds(60);

    [Fact]
    [Trait("Regression", "second-server-sweeps-upload")]
    public async Task A_second_server_on_the_same_directory_is_refused_and_the_upload_in_flight_stays_readable()
    {
        using var sandbox = new Sandbox();
        await using var first = await PublishedServer.StartAsync(sandbox);
        using var s3 = first.CreateClient(TimeSpan.FromMinutes(10));
        await s3.PutBucketAsync(Bucket);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = Bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled },
        });
        var blobsBefore = sandbox.BlobFiles().Count;

        // The body stops a quarter of the way in until the second server has been tried: the server is then
        // receiving into an unfinished blob file, the one the second server's sweep used to remove.
        var body = new HeldStream(new GeneratedStream(Seed, UploadSize), HeldAt);
        var upload = s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = "videos/holiday.mp4", InputStream = body });
        await body.Held.WaitAsync(RefusalLimit);
        while (sandbox.BlobFiles().Count == blobsBefore) await Task.Delay(20);

        var (exitCode, stdout, stderr) = await RunSecondServerAsync(sandbox);
        body.Release();

        Assert.Equal(1, exitCode);
        Assert.Contains($"The data directory {sandbox.DataDirectory} is in use by another Strata process (pid {first.ProcessId})", stderr);
        Assert.DoesNotContain("serving S3", stdout);
        Assert.DoesNotContain("removed", stdout);

        var put = await upload;
        using var get = await s3.GetObjectAsync(Bucket, "videos/holiday.mp4", put.VersionId);
        await using var stream = get.ResponseStream;
        Assert.Equal(GeneratedStream.Sha256(Seed, UploadSize), Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
    }

    [Fact]
    public async Task The_directory_is_free_again_once_its_server_is_killed()
    {
        using var sandbox = new Sandbox();
        var first = await PublishedServer.StartAsync(sandbox);
        using (var s3 = first.CreateClient()) await s3.PutBucketAsync(Bucket);
        await first.DisposeAsync(); // SIGKILL: the kernel releases the lock with the process

        await using var second = await PublishedServer.StartAsync(sandbox);
        using var client = second.CreateClient();
        Assert.Contains(Bucket, (await client.ListBucketsAsync()).Buckets.Select(b => b.BucketName));
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunSecondServerAsync(Sandbox sandbox)
    {
        var start = new ProcessStartInfo(PublishedServer.Binary)
        {
            WorkingDirectory = sandbox.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList = { "serve", "--data", sandbox.DataDirectory, "--listen", "127.0.0.1:0", "--tls" },
        };
        start.Environment["STRATA_ROOT_ACCESS_KEY"] = PublishedServer.AccessKey;
        start.Environment["STRATA_ROOT_SECRET_KEY"] = PublishedServer.SecretKey;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(RefusalLimit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The second server was neither refused nor stopped: {await stdout}");
        }
        Assert.False(Directory.Exists(Path.Combine(sandbox.DataDirectory, "tls")), "The refused server wrote TLS files into the held directory.");
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A body that stops at <paramref name="holdAt"/> bytes until <see cref="Release"/>.</summary>
    private sealed class HeldStream(GeneratedStream inner, long holdAt) : Stream
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Held => _held.Task;

        public void Release() => _released.TrySetResult();

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => inner.Length;

        public override long Position
        {
            get => inner.Position;
            set => inner.Position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (inner.Position >= holdAt && !_released.Task.IsCompleted)
            {
                _held.TrySetResult();
                await _released.Task.WaitAsync(cancellationToken);
            }
            var room = inner.Position < holdAt ? (int)Math.Min(buffer.Length, holdAt - inner.Position) : buffer.Length;
            return await inner.ReadAsync(buffer[..room], cancellationToken);
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

using System.Diagnostics;
using System.Security.Cryptography;
using Amazon.S3.Transfer;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Memory;

/// <summary>
/// Issue 2: "Uploading and downloading a 2 GiB object keeps the server's resident memory under 256 MB." The
/// published server stores and serves a 2 GiB body while /proc/&lt;pid&gt;/status is sampled every 100 ms; the
/// highest VmRSS seen and the kernel's VmHWM (peak since start) must stay under 256 MB (256·10⁶ bytes, the
/// stricter reading), and the bytes read back must hash to the bytes sent. The client streams: the body is
/// generated as the SDK reads it, and the download is hashed as it arrives.
/// </summary>
public sealed class LargeObjectMemory(ITestOutputHelper output)
{
    private const long Size = 2L * 1024 * 1024 * 1024;
    private const long LimitBytes = 256L * 1000 * 1000;
    private const string Bucket = "memory";
    private const string Key = "big/two-gib.bin";
    private const int Seed = 2026;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(15);

    [LongFact]
    [Trait("Category", "Long")]
    public async Task PutObject_and_GetObject_of_2_GiB_keep_the_servers_resident_memory_under_256_MB()
    {
        using var sandbox = new Sandbox();
        await using var server = await PublishedServer.StartAsync(sandbox);
        using var s3 = server.CreateClient(Patience);
        await s3.PutBucketAsync(Bucket);
        var expected = GeneratedStream.Sha256(Seed, Size);

        var idle = ResidentMemory.Read(server.ProcessId);
        await using var memory = ResidentMemory.Watch(server.ProcessId);
        var watch = Stopwatch.StartNew();
        var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = Key, InputStream = new GeneratedStream(Seed, Size) });
        var putTime = watch.Elapsed;
        watch.Restart();
        var (length, hash, etag) = await GetAndHashAsync(s3);
        var getTime = watch.Elapsed;

        await ReportAndAssertAsync("memory_2gib_putobject", server, memory, idle, putTime, getTime, length, hash, expected);
        Assert.Equal(put.ETag, etag);
    }

    [LongFact]
    [Trait("Category", "Long")]
    public async Task TransferUtility_upload_and_download_of_a_2_GiB_file_keep_the_servers_resident_memory_under_256_MB()
    {
        using var sandbox = new Sandbox();
        var folder = Directory.CreateTempSubdirectory("strata-rel-memory-");
        try
        {
            // The file is written before the server's memory is watched: only the transfer is measured.
            var source = Path.Combine(folder.FullName, "two-gib.bin");
            await using (var file = File.Create(source))
            await using (var body = new GeneratedStream(Seed, Size))
            {
                await body.CopyToAsync(file, 1024 * 1024);
            }
            var expected = GeneratedStream.Sha256(Seed, Size);

            await using var server = await PublishedServer.StartAsync(sandbox);
            using var s3 = server.CreateClient(Patience);
            await s3.PutBucketAsync(Bucket);
            var idle = ResidentMemory.Read(server.ProcessId);
            await using var memory = ResidentMemory.Watch(server.ProcessId);
            using var transfer = new TransferUtility(s3);
            var watch = Stopwatch.StartNew();
            await transfer.UploadAsync(source, Bucket, Key);
            var putTime = watch.Elapsed;
            watch.Restart();
            long length;
            string hash;
            using (var download = await transfer.OpenStreamAsync(Bucket, Key))
            {
                (length, hash) = await HashAsync(download);
            }
            var getTime = watch.Elapsed;

            var head = await s3.GetObjectMetadataAsync(Bucket, Key);
            var parts = head.ETag.Contains('-', StringComparison.Ordinal) ? head.ETag.Trim('"').Split('-')[1] : "1";
            await ReportAndAssertAsync("memory_2gib_transferutility", server, memory, idle, putTime, getTime, length, hash, expected, ("parts", parts));
            Assert.Matches("^\"[0-9a-f]{32}-[0-9]+\"$", head.ETag); // stored in parts, as TransferUtility uploads a file this large
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<(long Length, string Sha256, string ETag)> GetAndHashAsync(AmazonS3Client s3)
    {
        using var get = await s3.GetObjectAsync(Bucket, Key);
        var (length, hash) = await HashAsync(get.ResponseStream);
        return (length, hash, get.ETag);
    }

    private static async Task<(long Length, string Sha256)> HashAsync(Stream stream)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1024 * 1024];
        long length = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            sha.AppendData(buffer, 0, read);
            length += read;
        }
        return (length, Convert.ToHexStringLower(sha.GetHashAndReset()));
    }

    private async Task ReportAndAssertAsync(string section, PublishedServer server, ResidentMemory memory, (long RssKiB, long HwmKiB)? idle,
        TimeSpan putTime, TimeSpan getTime, long length, string hash, string expected, params (string Name, object Value)[] extra)
    {
        var (maxRssKiB, hwmKiB, samples) = await memory.StopAsync();
        Figures.Write(output, section,
        [
            ("object_bytes", Size),
            ("server_rss_before_mib", MiB(idle?.RssKiB ?? -1)),
            ("server_max_rss_mib", MiB(maxRssKiB)),
            ("server_vmhwm_mib", MiB(hwmKiB)),
            ("limit_mib", Math.Round(LimitBytes / 1048576.0, 1)),
            ("rss_samples", samples),
            ("upload_seconds", Math.Round(putTime.TotalSeconds, 1)),
            ("download_seconds", Math.Round(getTime.TotalSeconds, 1)),
            ("bytes_match", hash == expected && length == Size),
            .. extra,
        ]);
        Assert.True(server.HasExited == false, "The server exited during the transfer:\n" + server.Output);
        Assert.Equal(Size, length);
        Assert.Equal(expected, hash);
        Assert.True(maxRssKiB * 1024 < LimitBytes, $"The server's VmRSS reached {MiB(maxRssKiB)} MiB; the limit is 256 MB ({LimitBytes / 1048576.0:F1} MiB)");
        Assert.True(hwmKiB > 0 && hwmKiB * 1024 < LimitBytes, $"The server's VmHWM is {MiB(hwmKiB)} MiB; the limit is 256 MB ({LimitBytes / 1048576.0:F1} MiB)");
    }

    private static double MiB(long kib) => Math.Round(kib / 1024.0, 1);
}

using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Strata.Reliability.Tests.Harness;
using Xunit.Abstractions;

namespace Strata.Reliability.Tests.Faults;

/// <summary>
/// The data directory on a 12 MiB tmpfs, filled for real: writes that do not fit fail with S3's InternalError,
/// nothing acknowledged is damaged, nothing half-written is visible or left behind, and the server takes
/// writes again as soon as space returns.
/// </summary>
public sealed class DiskFull(ITestOutputHelper output)
{
    private const int MiB = 1024 * 1024;

    [RootFact]
    public async Task A_full_disk_refuses_writes_with_an_S3_error_damages_nothing_and_recovers_when_space_returns()
    {
        using var sandbox = new Sandbox();
        Run("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", sandbox.DataDirectory);
        var ballast = Path.Combine(sandbox.DataDirectory, "ballast");
        PublishedServer? server = null;
        var acknowledged = new Dictionary<string, byte[]>();
        var refused = new List<(string Key, HttpStatusCode Status, string Code)>();
        try
        {
            // Space the test can hand back later, the way an operator frees a disk.
            await File.WriteAllBytesAsync(ballast, new byte[3 * MiB]);
            server = await PublishedServer.StartAsync(sandbox);
            using (var s3 = server.CreateClient())
            {
                await s3.PutBucketAsync("full");
                for (var i = 0; i < 5; i++) await PutAsync(s3, $"small/{i}", RandomBytes(2000), acknowledged, refused);
                await PutAsync(s3, "medium", RandomBytes(300_000), acknowledged, refused);

                // Fill the disk: 1 MiB objects until the server refuses, then a few more tries of each size.
                for (var i = 0; i < 20 && refused.Count < 3; i++) await PutAsync(s3, $"fill/{i}", RandomBytes(MiB), acknowledged, refused);
                await PutAsync(s3, "tiny-while-full", RandomBytes(1000), acknowledged, refused);
                output.WriteLine($"acknowledged {acknowledged.Count}, refused {refused.Count}: {string.Join(", ", refused.Select(r => $"{r.Key} {(int)r.Status} {r.Code}"))}");

                Assert.NotEmpty(refused);
                Assert.All(refused, r => Assert.Equal((HttpStatusCode.InternalServerError, "InternalError"), (r.Status, r.Code)));
                Assert.True(await server.IsHealthyAsync(), "the server stays up on a full disk");
                await VerifyAsync(s3, acknowledged, refused);

                File.Delete(ballast);
                var after = RandomBytes(512 * 1024);
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = "full", Key = "after-space-returned", InputStream = new MemoryStream(after) });
                acknowledged["after-space-returned"] = after;
                await VerifyAsync(s3, acknowledged, refused);
            }

            var (exitCode, _) = await server.StopAsync(TimeSpan.FromSeconds(35));
            Assert.Equal(0, exitCode);
            await server.DisposeAsync();
            server = await PublishedServer.StartAsync(sandbox);
            using (var s3 = server.CreateClient()) await VerifyAsync(s3, acknowledged, refused);
            await server.StopAsync(TimeSpan.FromSeconds(35));
            var audit = BlobAudit.AssertClean(sandbox);

            Figures.Write(output, "disk_full",
            [
                ("writes_acknowledged", acknowledged.Count),
                ("writes_refused_with_InternalError", refused.Count),
                ("refused_keys_visible", 0),
                ("orphan_blob_files_found", audit.Unreferenced.Count),
            ]);
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            Run("umount", "-l", sandbox.DataDirectory);
        }
    }

    private static async Task PutAsync(IAmazonS3 s3, string key, byte[] body, Dictionary<string, byte[]> acknowledged, List<(string, HttpStatusCode, string)> refused)
    {
        try
        {
            await s3.PutObjectAsync(new PutObjectRequest { BucketName = "full", Key = key, InputStream = new MemoryStream(body) });
            acknowledged[key] = body;
        }
        catch (AmazonS3Exception error)
        {
            refused.Add((key, error.StatusCode, error.ErrorCode));
        }
    }

    /// <summary>Every acknowledged object reads back byte for byte; no refused key became visible.</summary>
    private static async Task VerifyAsync(IAmazonS3 s3, Dictionary<string, byte[]> acknowledged, List<(string Key, HttpStatusCode, string)> refused)
    {
        foreach (var (key, body) in acknowledged)
        {
            using var get = await s3.GetObjectAsync("full", key);
            using var copy = new MemoryStream();
            await get.ResponseStream.CopyToAsync(copy);
            Assert.True(SHA256.HashData(body).AsSpan().SequenceEqual(SHA256.HashData(copy.ToArray())), $"{key} changed");
        }
        foreach (var (key, _, _) in refused)
        {
            if (acknowledged.ContainsKey(key)) continue;
            var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync("full", key));
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = "full" });
        Assert.Equal(acknowledged.Keys.Order(StringComparer.Ordinal), (listed.S3Objects ?? []).Select(o => o.Key));
    }

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    private static void Run(string file, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true })!;
        process.WaitForExit();
        if (process.ExitCode != 0) throw new InvalidOperationException($"{file} {string.Join(' ', arguments)}: {process.StandardError.ReadToEnd()}");
    }
}

// Hash throughput on one core, for the choice of the stored-body checksum (src/Strata.Engine/Blobs/BodyHash.cs).
// Run: dotnet run bench/hash-throughput.cs -c Release   (figures in bench/RESULTS.md, "Scrub")
#:package System.IO.Hashing
using System.Diagnostics;
using System.IO.Hashing;
using System.Security.Cryptography;

var buffer = new byte[1024 * 1024];
Random.Shared.NextBytes(buffer);
var small = buffer.AsMemory(0, 4096);
var candidates = new (string Name, Action<ReadOnlyMemory<byte>, int> Hash)[]
{
    ("XXH128 (stored body hash)", (data, times) => { var h = new XxHash128(); for (var i = 0; i < times; i++) h.Append(data.Span); h.GetCurrentHash(); }),
    ("XXH3 64-bit", (data, times) => { var h = new XxHash3(); for (var i = 0; i < times; i++) h.Append(data.Span); h.GetCurrentHash(); }),
    ("CRC64/NVME", (data, times) => { var h = new Crc64(Crc64ParameterSet.Nvme); for (var i = 0; i < times; i++) h.Append(data.Span); h.GetCurrentHash(); }),
    ("CRC32C", (data, times) => { var h = new Crc32(Crc32ParameterSet.Crc32C); for (var i = 0; i < times; i++) h.Append(data.Span); h.GetCurrentHash(); }),
    ("MD5 (the ETag, already paid)", (data, times) => { using var h = IncrementalHash.CreateHash(HashAlgorithmName.MD5); for (var i = 0; i < times; i++) h.AppendData(data.Span); h.GetHashAndReset(); }),
    ("SHA-256", (data, times) => { using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256); for (var i = 0; i < times; i++) h.AppendData(data.Span); h.GetHashAndReset(); }),
};
Console.WriteLine($"{"algorithm",-30} {"1 MiB chunks MB/s",18} {"one 4 KiB body, ns",20}");
foreach (var (name, hash) in candidates)
{
    hash(buffer, 16); // warm-up
    var best = double.MaxValue;
    for (var round = 0; round < 5; round++)
    {
        var start = Stopwatch.GetTimestamp();
        hash(buffer, 256); // 256 MiB
        best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds);
    }
    var smallBest = double.MaxValue;
    for (var round = 0; round < 5; round++)
    {
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < 20_000; i++) hash(small, 1);
        smallBest = Math.Min(smallBest, Stopwatch.GetElapsedTime(start).TotalSeconds / 20_000);
    }
    Console.WriteLine($"{name,-30} {256 * 1048576 / best / 1e6,18:N0} {smallBest * 1e9,20:N0}");
}

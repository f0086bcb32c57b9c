using System.Security.Cryptography;
using System.Text;

namespace Strata.Client.Tests;

/// <summary>
/// A server and one random history over a few hundred keys, recorded as a model: puts, overwrites, deletes
/// and undeletes by copy in phases, with a time taken between phases. <see cref="StateAt"/> is what a
/// restore to <see cref="Times"/>[phase] must produce: key → content.
/// </summary>
public sealed class RecordedHistory : IAsyncLifetime
{
    public const int KeyCount = 240;
    public const string Prefix = "site/";
    private readonly List<Dictionary<string, string>> _states = [];

    public StrataServer Server { get; } = new();

    public string Bucket { get; private set; } = "";

    public int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("STRATA_HISTORY_SEED"), out var s) ? s : Random.Shared.Next();

    /// <summary>Times[p] lies after phase p; Times[0] is before any write.</summary>
    public List<DateTimeOffset> Times { get; } = [];

    public IReadOnlyDictionary<string, string> StateAt(int phase) => _states[phase];

    public static string ETagOf(string content) => $"\"{Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(content)))}\"";

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        using var s3 = Server.CreateClient();
        Bucket = await Server.CreateBucketAsync(versioning: true, stem: "history");
        // A key outside the prefix that no restore under it may touch.
        await s3.PutObjectAsync(new() { BucketName = Bucket, Key = "outside", ContentBody = "outside" });
        var random = new Random(Seed);
        var keys = Enumerable.Range(0, KeyCount).Select(i => i % 7 == 0 ? $"{Prefix}é/{i:D3}.txt" : $"{Prefix}{i % 5}/{i:D3}.txt").ToArray();
        var current = new Dictionary<string, string>();
        var everWritten = new HashSet<string>();
        _states.Add([]);
        Times.Add(await Clock.BetweenPhasesAsync());
        for (var phase = 1; phase <= 4; phase++)
        {
            var work = new List<Func<Task>>();
            foreach (var key in keys)
            {
                var roll = random.Next(100);
                var exists = current.ContainsKey(key);
                if (!exists && everWritten.Contains(key) && roll < 30)
                {
                    work.Add(() => UndeleteByCopyAsync(s3, key)); // content comes back: the model learns it after
                    continue;
                }
                if (!exists ? roll < 55 : roll < 35)
                {
                    var body = $"{key} in phase {phase} #{random.Next()}";
                    current[key] = body;
                    everWritten.Add(key);
                    work.Add(() => s3.PutObjectAsync(new() { BucketName = Bucket, Key = key, ContentBody = body }));
                }
                else if (exists && roll < 55)
                {
                    current.Remove(key);
                    work.Add(() => s3.DeleteObjectAsync(Bucket, key));
                }
            }
            await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, _) => await item());
            // Undeletes copied the newest real version back: read the model's content from the server.
            foreach (var key in keys.Where(k => !current.ContainsKey(k) && everWritten.Contains(k)))
            {
                var history = await VersionWalker.FindAsync(s3, Bucket, key);
                if (history!.Current is { } back) current[key] = Bodies[back.ETag!];
            }
            _states.Add(new Dictionary<string, string>(current));
            foreach (var body in current.Values) Bodies.TryAdd(ETagOf(body), body);
            Times.Add(await Clock.BetweenPhasesAsync());
        }
    }

    /// <summary>Every body written, by ETag (bodies are unique, so the ETag names the content).</summary>
    private Dictionary<string, string> Bodies { get; } = [];

    private async Task UndeleteByCopyAsync(IAmazonS3 s3, string key)
    {
        var history = await VersionWalker.FindAsync(s3, Bucket, key);
        var newest = history!.NewestObject!;
        await s3.CopyObjectAsync(new CopyObjectRequest { SourceBucket = Bucket, SourceKey = key, SourceVersionId = newest.VersionId, DestinationBucket = Bucket, DestinationKey = key });
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

using System.Diagnostics;
using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Client.Connection;

// Preloads a history for the point-in-time restore benchmark (see ../README.md): KEYS keys × VERSIONS versions,
// then CHANGED of the keys changed after a recorded TIME (two thirds overwritten, one third deleted) and a
// tenth as many new keys. Prints TIME and the restore command to time. Credentials: the AWS_* environment.
var options = Args.Parse(args);
using var s3 = S3Connection.Create(new S3ConnectionOptions { EndpointUrl = options.Endpoint });
try
{
    await s3.PutBucketAsync(options.Bucket);
}
catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
{
    Console.Error.WriteLine($"Bucket {options.Bucket} exists already: use a fresh one so the history is exactly the one described.");
    return 2;
}
await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = options.Bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });

var random = new Random(options.Seed);
var keys = Enumerable.Range(0, options.Keys).Select(i => $"{options.Prefix}{i % 100:D2}/{i:D7}.bin").ToArray();
var changed = keys.OrderBy(_ => random.Next()).Take((int)(options.Keys * options.Changed)).ToArray();
var changedSet = changed.ToHashSet();
var clock = Stopwatch.StartNew();
long puts = 0;

async Task PutAsync(string key, int round)
{
    var body = new byte[options.Size];
    BitConverter.TryWriteBytes(body, round);
    System.Text.Encoding.UTF8.GetBytes(key, body.AsSpan(4, Math.Min(key.Length, body.Length - 4)));
    await s3.PutObjectAsync(new PutObjectRequest { BucketName = options.Bucket, Key = key, InputStream = new MemoryStream(body), UseChunkEncoding = false });
    Interlocked.Increment(ref puts);
}

var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency };
for (var round = 0; round < options.Versions; round++)
{
    var roundKeys = round == options.Versions - 1 ? keys.Where(k => !changedSet.Contains(k)).ToArray() : keys;
    await Parallel.ForEachAsync(roundKeys, parallel, async (key, _) => await PutAsync(key, round));
    Console.Error.WriteLine($"round {round + 1}/{options.Versions}: {puts:N0} PUTs, {puts / clock.Elapsed.TotalSeconds:N0}/s");
}
// The changed keys got VERSIONS-1 versions so far; their last change lands after TIME.
await Task.Delay(50);
var time = DateTimeOffset.UtcNow;
await Task.Delay(50);
var deleted = changed.Length / 3;
await Parallel.ForEachAsync(changed.Select((k, i) => (k, i)), parallel, async (item, _) =>
{
    if (item.i < deleted) await s3.DeleteObjectAsync(options.Bucket, item.k);
    else await PutAsync(item.k, options.Versions);
});
var added = changed.Length / 10;
await Parallel.ForEachAsync(Enumerable.Range(0, added), parallel, async (i, _) => await PutAsync($"{options.Prefix}new/{i:D7}.bin", 0));

var at = TimeExpression.Format(time);
Console.Error.WriteLine($"Preloaded {options.Keys:N0} keys × {options.Versions} versions in {clock.Elapsed.TotalSeconds:N0} s; after TIME: {changed.Length - deleted:N0} overwritten, {deleted:N0} deleted, {added:N0} added.");
Console.WriteLine($"TIME={at}");
Console.WriteLine($"strata restore s3://{options.Bucket}/{options.Prefix} --at {at} --endpoint-url {options.Endpoint} --json");
return 0;

internal sealed record Args(string Endpoint, string Bucket, string Prefix, int Keys, int Versions, double Changed, int Size, int Concurrency, int Seed)
{
    public static Args Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        int Int(string name, int fallback) => int.Parse(Value(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);
        return new Args(
            Value("--endpoint-url", "http://127.0.0.1:9000"),
            Value("--bucket", "restore-bench"),
            Value("--prefix", "site/"),
            Int("--keys", 10_000),
            Int("--versions", 10),
            double.Parse(Value("--changed", "0.1"), CultureInfo.InvariantCulture),
            Int("--size", 1024),
            Int("--concurrency", 32),
            Int("--seed", 42));
    }
}

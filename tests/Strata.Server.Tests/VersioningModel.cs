using System.Text;
using Xunit.Abstractions;

namespace Strata.Server.Tests;

/// <summary>
/// Random puts, deletes, version deletes, suspends, re-enables and copies from versions, each checked
/// against a small model of S3's rules; listings compared page by page with random page sizes.
/// </summary>
public sealed class VersioningModel(StrataServer server, ITestOutputHelper output) : IClassFixture<StrataServer>
{
    private sealed record Entry(string VersionId, bool IsMarker, string? Body);

    private sealed class Model
    {
        public VersioningState State = VersioningState.Unversioned;
        public readonly SortedDictionary<string, List<Entry>> Stacks = new(Utf8Order.Instance); // newest last

        public List<Entry> Stack(string key) => Stacks.TryGetValue(key, out var s) ? s : Stacks[key] = [];

        public void Push(string key, Entry entry)
        {
            var stack = Stack(key);
            if (entry.VersionId == "null") stack.RemoveAll(e => e.VersionId == "null");
            stack.Add(entry);
        }
    }

    private enum VersioningState { Unversioned, Enabled, Suspended }

    private static readonly string[] Keys = ["a", "b", "d/x", "d/y", "é", "z z", "d/e/f"];

    [Fact]
    public async Task Random_operations_match_the_model_after_every_step()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("STRATA_MODEL_SEED"), out var s) ? s : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set STRATA_MODEL_SEED to replay)");
        var random = new Random(seed);
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var model = new Model();
        var steps = int.TryParse(Environment.GetEnvironmentVariable("STRATA_MODEL_STEPS"), out var n) ? n : 1500;

        for (var step = 0; step < steps; step++)
        {
            var key = Keys[random.Next(Keys.Length)];
            var roll = random.Next(100);
            var what = "";
            try
            {
                if (roll < 40)
                {
                    var body = $"{key}#{step}";
                    what = $"put {key}";
                    var put = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body });
                    var id = model.State == VersioningState.Enabled ? put.VersionId : "null";
                    if (model.State == VersioningState.Enabled) Assert.NotEqual("null", put.VersionId);
                    else if (model.State == VersioningState.Suspended) Assert.Null(put.VersionId); // S3 names no null version
                    model.Push(key, new Entry(id, false, body));
                }
                else if (roll < 60)
                {
                    what = $"delete {key}";
                    var deleted = await s3.DeleteObjectAsync(bucket, key);
                    switch (model.State)
                    {
                        case VersioningState.Enabled:
                            Assert.Equal("true", deleted.DeleteMarker);
                            model.Push(key, new Entry(deleted.VersionId, true, null));
                            break;
                        case VersioningState.Suspended:
                            Assert.Equal("null", deleted.VersionId);
                            model.Push(key, new Entry("null", true, null));
                            break;
                        default:
                            model.Stack(key).RemoveAll(e => e.VersionId == "null");
                            break;
                    }
                }
                else if (roll < 78)
                {
                    var stack = model.Stack(key);
                    var victim = stack.Count > 0 && random.Next(5) > 0 ? stack[random.Next(stack.Count)] : new Entry("AAAAAAAAAAAAAAAAAAAAAAAAAAAA" + random.Next(1000, 9999), false, null);
                    what = $"delete {key}?versionId={victim.VersionId}";
                    var deleted = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = key, VersionId = victim.VersionId });
                    Assert.Equal(victim.VersionId, deleted.VersionId);
                    Assert.Equal(victim.IsMarker, deleted.DeleteMarker == "true");
                    stack.Remove(victim);
                }
                else if (roll < 90)
                {
                    var sources = model.Stacks.SelectMany(kv => kv.Value.Where(e => !e.IsMarker).Select(e => (Key: kv.Key, Entry: e))).ToList();
                    if (sources.Count == 0) continue;
                    var (sourceKey, source) = sources[random.Next(sources.Count)];
                    what = $"copy {sourceKey}?versionId={source.VersionId} to {key}";
                    var copy = await s3.CopyObjectAsync(new CopyObjectRequest
                    {
                        SourceBucket = bucket, SourceKey = sourceKey, SourceVersionId = source.VersionId, DestinationBucket = bucket, DestinationKey = key,
                    });
                    model.Push(key, new Entry(model.State == VersioningState.Enabled ? copy.VersionId : "null", false, source.Body));
                }
                else
                {
                    var next = random.Next(3) == 0 ? VersioningState.Suspended : VersioningState.Enabled;
                    what = $"versioning {next}";
                    await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
                    {
                        BucketName = bucket,
                        VersioningConfig = new S3BucketVersioningConfig { Status = next == VersioningState.Enabled ? VersionStatus.Enabled : VersionStatus.Suspended },
                    });
                    model.State = next;
                }

                await CheckKeyAsync(s3, bucket, key, model);
                if (step % 50 == 49) await CheckListingsAsync(s3, bucket, model, random);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                throw new InvalidOperationException($"step {step} ({what}) with seed {seed} failed", e);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new InvalidOperationException($"step {step} ({what}) with seed {seed} disagreed with the model", e);
            }
        }
        await CheckListingsAsync(s3, bucket, model, random);
    }

    private static async Task CheckKeyAsync(IAmazonS3 s3, string bucket, string key, Model model)
    {
        var stack = model.Stack(key);
        var top = stack.Count == 0 ? null : stack[^1];
        if (top is null || top.IsMarker)
        {
            var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, key));
            Assert.Equal("NoSuchKey", error.ErrorCode);
            return;
        }
        using var get = await s3.GetObjectAsync(bucket, key);
        Assert.Equal(top.Body, await new StreamReader(get.ResponseStream).ReadToEndAsync());
        if (model.State != VersioningState.Unversioned || top.VersionId != "null") Assert.Equal(top.VersionId, get.VersionId);
    }

    private static async Task CheckListingsAsync(IAmazonS3 s3, string bucket, Model model, Random random)
    {
        var expectedVersions = model.Stacks.SelectMany(kv => Enumerable.Reverse(kv.Value).Select((e, i) => (kv.Key, e.VersionId, e.IsMarker, IsLatest: i == 0))).ToList();
        var seen = new List<(string, string, bool, bool)>();
        string? keyMarker = null, versionMarker = null;
        do
        {
            var page = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = random.Next(1, 8), KeyMarker = keyMarker, VersionIdMarker = versionMarker });
            seen.AddRange((page.Versions ?? []).Select(v => (v.Key, v.VersionId, v.IsDeleteMarker == true, v.IsLatest == true)));
            keyMarker = page.IsTruncated == true ? page.NextKeyMarker : null;
            versionMarker = page.IsTruncated == true ? page.NextVersionIdMarker : null;
        }
        while (keyMarker is not null);
        Assert.Equal(expectedVersions, seen);

        var expectedKeys = model.Stacks.Where(kv => kv.Value.Count > 0 && !kv.Value[^1].IsMarker).Select(kv => kv.Key).ToList();
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, MaxKeys = random.Next(1, 5), ContinuationToken = token });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
        Assert.Equal(expectedKeys, keys);

        var grouped = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(expectedKeys.Where(k => !k.Contains('/')), (grouped.S3Objects ?? []).Select(o => o.Key));
        Assert.Equal(expectedKeys.Where(k => k.StartsWith("d/", StringComparison.Ordinal)).Any() ? ["d/"] : Array.Empty<string>(), grouped.CommonPrefixes ?? []);
    }

    private sealed class Utf8Order : IComparer<string>
    {
        public static readonly Utf8Order Instance = new();
        public int Compare(string? x, string? y) => Encoding.UTF8.GetBytes(x!).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y!));
    }
}

namespace Strata.Client.Tests;

/// <summary>The recorded random history on one server and a second, empty server to mirror it to.</summary>
public sealed class MirroredHistory : IAsyncLifetime
{
    public RecordedHistory History { get; } = new();

    public StrataServer Destination { get; } = new();

    public async Task InitializeAsync()
    {
        await Task.WhenAll(History.InitializeAsync(), Destination.InitializeAsync());
    }

    public async Task DisposeAsync()
    {
        await History.DisposeAsync();
        await Destination.DisposeAsync();
    }

    /// <summary>Every key's stack, newest first, as (delete marker?, ETag) pairs: what must be the same on both sides.</summary>
    public static async Task<Dictionary<string, List<(bool Marker, string? ETag)>>> StacksAsync(IAmazonS3 s3, string bucket, string prefix)
    {
        var stacks = new Dictionary<string, List<(bool, string?)>>();
        await foreach (var history in VersionWalker.WalkAsync(s3, bucket, prefix))
        {
            stacks[history.Key[prefix.Length..]] = history.Versions.Select(v => (v.IsDeleteMarker, v.ETag)).ToList();
        }
        return stacks;
    }

    public static async Task<Dictionary<string, string>> CurrentAsync(IAmazonS3 s3, string bucket, string prefix)
    {
        var current = new Dictionary<string, string>();
        var request = new ListObjectsV2Request { BucketName = bucket, Prefix = prefix };
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request);
            foreach (var item in page.S3Objects ?? []) current[item.Key[prefix.Length..]] = item.ETag;
            if (page.IsTruncated != true) return current;
            request.ContinuationToken = page.NextContinuationToken;
        }
    }
}

using System.Runtime.CompilerServices;
using Amazon.S3;

namespace Strata.Client.History;

/// <summary>How a key changed between a point in time and now.</summary>
public enum ChangeKind
{
    /// <summary>The key did not exist (or was deleted) then and exists now.</summary>
    Added,

    /// <summary>The key existed then and now with different content.</summary>
    Modified,

    /// <summary>The key existed then and is deleted now.</summary>
    Deleted,
}

/// <summary>One key's change since a point in time.</summary>
/// <param name="Key">The object key.</param>
/// <param name="Kind">Added, modified or deleted.</param>
/// <param name="Then">The version current at the point in time; null for an added key.</param>
/// <param name="Now">The current version; null for a deleted key.</param>
public sealed record KeyChange(string Key, ChangeKind Kind, ObjectVersionInfo? Then, ObjectVersionInfo? Now);

/// <summary>What changed under a prefix since a point in time, from the version history alone.</summary>
public static class HistoryDiff
{
    /// <summary>The change to one key since <paramref name="at"/>, or null when its content is the same.</summary>
    public static KeyChange? Compare(KeyHistory history, DateTimeOffset at)
    {
        var then = history.ContentAt(at);
        var now = history.Current;
        return (then, now) switch
        {
            (null, null) => null,
            (null, { }) => new KeyChange(history.Key, ChangeKind.Added, null, now),
            ({ }, null) => new KeyChange(history.Key, ChangeKind.Deleted, then, null),
            _ => KeyHistory.SameContent(then, now) ? null : new KeyChange(history.Key, ChangeKind.Modified, then, now),
        };
    }

    /// <summary>Every changed key under <paramref name="prefix"/> since <paramref name="at"/>, streamed in key order.</summary>
    public static async IAsyncEnumerable<KeyChange> DiffAsync(IAmazonS3 s3, string bucket, string prefix, DateTimeOffset at,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var history in VersionWalker.WalkAsync(s3, bucket, prefix, cancellationToken: cancellationToken))
        {
            // A mirror's copies answer with their source's times.
            if (Compare(await SourceTimes.ResolveAsync(s3, bucket, history, at, cancellationToken), at) is { } change) yield return change;
        }
    }
}

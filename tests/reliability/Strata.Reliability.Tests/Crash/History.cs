using System.Security.Cryptography;

namespace Strata.Reliability.Tests.Crash;

internal enum OpKind
{
    Put,
    /// <summary>DELETE without a version id: a marker in the versioned bucket, removal in the unversioned one.</summary>
    Delete,
    /// <summary>DELETE ?versionId=: that version removed for good.</summary>
    DeleteVersion,
    /// <summary>CompleteMultipartUpload: like a PUT, pushes the body its parts make up (see <see cref="Upload"/>).</summary>
    Complete,
    /// <summary>CopyObject from a named version of a single-part object: like a PUT of that version's body.</summary>
    Copy,
}

/// <summary>
/// One request of the traffic. <see cref="Sent"/> and <see cref="Acked"/> are ticks of one logical clock
/// shared by every worker, so "A was acknowledged before B was sent" is <c>A.Acked &lt; B.Sent</c>.
/// </summary>
internal sealed class Op
{
    public required OpKind Kind { get; init; }
    public required string Bucket { get; init; }
    public required string Key { get; init; }
    public required long Sent { get; init; }

    /// <summary>Set once the server's success response arrived; null when the request failed or the kill cut it.</summary>
    public long? Acked { get; set; }

    /// <summary>The version the response named, or for <see cref="OpKind.DeleteVersion"/> the version asked for.</summary>
    public string? VersionId { get; set; }
    public string? ETag { get; set; }
    public Body? Body { get; init; }

    /// <summary>Sent as one key of a DeleteObjects request.</summary>
    public bool InBatch { get; init; }

    /// <summary>A DeleteVersion naming this op's version was sent (whether or not it was acknowledged).</summary>
    public bool DeleteSent { get; set; }

    /// <summary>For a request the kill cut: the kill's tick. A dead server commits nothing, so it cannot land later.</summary>
    public long? CutAt { get; set; }

    public bool IsAcked => Acked is not null;

    /// <summary>A PUT, a multipart completion or a copy: it pushes an object version with <see cref="Body"/>.</summary>
    public bool WritesObject => Kind is OpKind.Put or OpKind.Complete or OpKind.Copy;

    /// <summary>A was over (acknowledged, or cut by a kill) before B was sent: B must come after A in the key's history.</summary>
    public bool FinishedBefore(Op other) => (Acked ?? CutAt) is { } end && end < other.Sent;

    public override string ToString() => $"{Kind} {Bucket}/{Key} v={VersionId ?? "?"} sent@{Sent} acked@{(Acked?.ToString() ?? "never")}";
}

/// <summary>
/// A body that was sent: regenerated from its seed when needed, so thousands of them cost no memory. A body
/// sent as a multipart upload has a <see cref="PartSize"/>: its parts are consecutive slices of that size, the
/// last one shorter or equal, and its ETag is S3's multipart ETag, the MD5 of the parts' binary MD5s then "-N".
/// </summary>
internal sealed record Body(int Seed, int Size, string Sha256, string ETag, int PartSize = 0, IReadOnlyList<string>? PartETags = null)
{
    public static Body Create(int seed, int size)
    {
        var bytes = Bytes(seed, size);
        return new Body(seed, size, Convert.ToHexStringLower(SHA256.HashData(bytes)), "\"" + Convert.ToHexStringLower(MD5.HashData(bytes)) + "\"");
    }

    public static Body CreateMultipart(int seed, int size, int partSize)
    {
        var bytes = Bytes(seed, size);
        var partETags = new List<string>();
        var md5s = new List<byte>();
        for (var offset = 0; offset < size; offset += partSize)
        {
            var md5 = MD5.HashData(bytes.AsSpan(offset, Math.Min(partSize, size - offset)));
            md5s.AddRange(md5);
            partETags.Add("\"" + Convert.ToHexStringLower(md5) + "\"");
        }
        var etag = "\"" + Convert.ToHexStringLower(MD5.HashData(md5s.ToArray())) + "-" + partETags.Count + "\"";
        return new Body(seed, size, Convert.ToHexStringLower(SHA256.HashData(bytes)), etag, partSize, partETags);
    }

    public bool IsMultipart => PartSize > 0;

    /// <summary>Part number, offset and length of each part (one "part" for a plain PUT).</summary>
    public IEnumerable<(int Number, int Offset, int Length)> Parts()
    {
        if (!IsMultipart)
        {
            yield return (1, 0, Size);
            yield break;
        }
        for (int number = 1, offset = 0; offset < Size; number++, offset += PartSize) yield return (number, offset, Math.Min(PartSize, Size - offset));
    }

    /// <summary>How many blob files the stored version holds: one per part above the inline threshold.</summary>
    public int BlobFiles(int inlineThreshold) => Parts().Count(p => p.Length > inlineThreshold);

    public static byte[] Bytes(int seed, int size)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}

/// <summary>Everything the traffic sent, per key, with what the server acknowledged.</summary>
internal sealed class History
{
    private readonly Dictionary<(string Bucket, string Key), List<Op>> _ops = [];
    private readonly List<Upload> _uploads = [];
    private long _clock;

    public long Tick() => Interlocked.Increment(ref _clock);

    public Op Begin(OpKind kind, string bucket, string key, Body? body = null, string? versionId = null, bool inBatch = false)
    {
        var op = new Op { Kind = kind, Bucket = bucket, Key = key, Sent = Tick(), Body = body, VersionId = versionId, InBatch = inBatch };
        lock (_ops)
        {
            if (!_ops.TryGetValue((bucket, key), out var list)) _ops[(bucket, key)] = list = [];
            list.Add(op);
        }
        return op;
    }

    /// <summary>Records a multipart upload before its CreateMultipartUpload is sent.</summary>
    public Upload BeginUpload(string bucket, string key, Body body)
    {
        var upload = new Upload { Bucket = bucket, Key = key, Body = body };
        lock (_uploads) _uploads.Add(upload);
        return upload;
    }

    public List<Upload> Uploads()
    {
        lock (_uploads) return [.. _uploads];
    }

    /// <summary>The body a request sent for this key with this ETag and size (how a listed version is traced to what made it).</summary>
    public Body? BodyOf(string bucket, string key, string? etag, long size)
    {
        lock (_ops)
        {
            return _ops.TryGetValue((bucket, key), out var list)
                ? list.FirstOrDefault(o => o.WritesObject && o.Body!.ETag == etag && o.Body.Size == size)?.Body
                : null;
        }
    }

    public void Ack(Op op, string? versionId, string? etag)
    {
        lock (_ops)
        {
            if (op.Kind != OpKind.DeleteVersion) op.VersionId = versionId;
            op.ETag = etag;
            op.Acked = Tick();
        }
    }

    /// <summary>Called once the server is dead: every request still unanswered is over, landed or not.</summary>
    public void MarkKill()
    {
        lock (_ops)
        {
            var tick = Tick();
            foreach (var op in _ops.Values.SelectMany(list => list))
            {
                if (op.Acked is null && op.CutAt is null) op.CutAt = tick;
            }
        }
    }

    /// <summary>Picks an acknowledged version of the key no delete was sent for, and marks it: at most one delete per version.</summary>
    public string? ClaimVersionToDelete(string bucket, string key, Random random)
    {
        lock (_ops)
        {
            if (!_ops.TryGetValue((bucket, key), out var list)) return null;
            var candidates = list.Where(o => o.IsAcked && o.Kind != OpKind.DeleteVersion && o.VersionId is not null && !o.DeleteSent).ToList();
            if (candidates.Count == 0) return null;
            var chosen = candidates[random.Next(candidates.Count)];
            chosen.DeleteSent = true;
            return chosen.VersionId;
        }
    }

    /// <summary>An acknowledged single-part version of some key of the bucket, to copy from (it may be deleted meanwhile).</summary>
    public (string Key, string VersionId, Body Body)? PickCopySource(string bucket, Random random)
    {
        lock (_ops)
        {
            var candidates = _ops.Where(kv => kv.Key.Bucket == bucket).SelectMany(kv => kv.Value)
                .Where(o => o.IsAcked && o.WritesObject && !o.Body!.IsMultipart && o.VersionId is not null && !o.DeleteSent).ToList();
            if (candidates.Count == 0) return null;
            var chosen = candidates[random.Next(candidates.Count)];
            return (chosen.Key, chosen.VersionId!, chosen.Body!);
        }
    }

    public List<Op> OpsOf(string bucket, string key)
    {
        lock (_ops)
        {
            return _ops.TryGetValue((bucket, key), out var list) ? [.. list] : [];
        }
    }

    public List<(string Bucket, string Key)> Keys()
    {
        lock (_ops)
        {
            return [.. _ops.Keys];
        }
    }

    public int Count(Func<Op, bool> predicate)
    {
        lock (_ops)
        {
            return _ops.Values.Sum(list => list.Count(predicate));
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Metadata;

namespace Strata.Engine.Diagnostics;

/// <summary>What one bucket holds, as `strata admin stats` and the strata_bucket_* series show it.</summary>
/// <param name="Objects">Keys whose newest version is an object (what a plain listing shows).</param>
/// <param name="Versions">Object versions, current and noncurrent; delete markers are counted apart.</param>
/// <param name="NoncurrentBytes">What versioning costs: the bytes of versions that are no longer current.</param>
public sealed record BucketFigures(string Bucket, long Objects, long Versions, long DeleteMarkers, long CurrentBytes, long NoncurrentBytes, long MultipartUploads);

/// <summary>
/// A data directory's figures, kept in memory: counted once at start from the metadata (one aggregate query per table)
/// and then moved by each committed write's effect, which the write reports through <see cref="Record"/>. The change is
/// applied after the batch commits (a refused write's savepoint takes its report with it), on the committer's thread,
/// so a scrape reads counters and never scans. After a restart the start-up count gives the same figures again.
/// </summary>
internal sealed class StoreFigures
{
    private static readonly List<StoreFigures> Live = [];

    private readonly ConcurrentDictionary<long, BucketCounters> _byId = new();
    private readonly ConcurrentDictionary<string, BucketCounters> _byName = new(StringComparer.Ordinal);
    private long _blobFiles;
    private long _blobBytes;
    private Func<int> _damagedVersions = static () => 0;

    static StoreFigures()
    {
        var meter = EngineMetrics.Meter;
        meter.CreateObservableGauge("strata.bucket.objects", () => Observe(static b => Volatile.Read(ref b.Objects)), "{object}", "Keys whose current version is an object.");
        meter.CreateObservableGauge("strata.bucket.versions", () => Observe(static b => Volatile.Read(ref b.Versions)), "{version}", "Object versions, current and noncurrent (delete markers apart).");
        meter.CreateObservableGauge("strata.bucket.delete_markers", () => Observe(static b => Volatile.Read(ref b.Markers)), "{marker}", "Delete markers.");
        meter.CreateObservableGauge("strata.bucket.current", () => Observe(static b => Volatile.Read(ref b.CurrentBytes)), "By", "Bytes of current versions.");
        meter.CreateObservableGauge("strata.bucket.noncurrent", () => Observe(static b => Volatile.Read(ref b.Bytes) - Volatile.Read(ref b.CurrentBytes)), "By", "Bytes of noncurrent versions: what versioning costs.");
        meter.CreateObservableGauge("strata.bucket.multipart_uploads", () => Observe(static b => Volatile.Read(ref b.Uploads)), "{upload}", "Multipart uploads started and not yet completed or aborted.");
        meter.CreateObservableGauge("strata.blob_store", () => ObserveStore(static f => Interlocked.Read(ref f._blobBytes)), "By", "Bytes of the blob files in DATA/blobs (small bodies live in the metadata instead).");
        meter.CreateObservableGauge("strata.blob_store.files", () => ObserveStore(static f => Interlocked.Read(ref f._blobFiles)), "{file}", "Blob files in DATA/blobs.");
        meter.CreateObservableGauge("strata.scrub.damaged_versions", () => ObserveStore(static f => f._damagedVersions()), "{version}",
            "Stored versions a scrub or a GET found damaged or missing and that are still there (alert when above 0).");
    }

    /// <summary>Counts what the metadata holds; called once at start, before any write.</summary>
    public void Load(SqliteConnection connection)
    {
        Query(connection, "SELECT id, name FROM buckets", r => Add(r.GetInt64(0), r.GetString(1)));
        Query(connection, "SELECT bucket_id, SUM(is_marker = 0), SUM(is_marker), SUM(size) FROM versions GROUP BY bucket_id", r =>
        {
            if (!_byId.TryGetValue(r.GetInt64(0), out var b)) return;
            b.Versions = r.GetInt64(1);
            b.Markers = r.GetInt64(2);
            b.Bytes = r.GetInt64(3);
        });
        Query(connection, "SELECT c.bucket_id, COUNT(*), SUM(v.size) FROM current c JOIN versions v ON v.seq = c.seq GROUP BY c.bucket_id", r =>
        {
            if (!_byId.TryGetValue(r.GetInt64(0), out var b)) return;
            b.Objects = r.GetInt64(1);
            b.CurrentBytes = r.GetInt64(2);
        });
        Query(connection, "SELECT bucket_id, COUNT(*) FROM uploads GROUP BY bucket_id", r =>
        {
            if (_byId.TryGetValue(r.GetInt64(0), out var b)) b.Uploads = r.GetInt64(1);
        });
        lock (Live) Live.Add(this);
    }

    /// <summary>Where the count of versions known to be damaged comes from (the engine's scrub findings).</summary>
    public void ObserveDamage(Func<int> count) => _damagedVersions = count;

    /// <summary>The engine closed: its figures leave the scrape.</summary>
    public void Close()
    {
        lock (Live) Live.Remove(this);
    }

    public (long Files, long Bytes) BlobStore => (Interlocked.Read(ref _blobFiles), Interlocked.Read(ref _blobBytes));

    /// <summary>What the blob directory held at start (the orphan sweep walks it anyway).</summary>
    public void SetBlobs(long files, long bytes)
    {
        Interlocked.Exchange(ref _blobFiles, files);
        Interlocked.Exchange(ref _blobBytes, bytes);
    }

    public void BlobSealed(long bytes)
    {
        Interlocked.Increment(ref _blobFiles);
        Interlocked.Add(ref _blobBytes, bytes);
    }

    public void BlobDeleted(long bytes)
    {
        Interlocked.Decrement(ref _blobFiles);
        Interlocked.Add(ref _blobBytes, -bytes);
    }

    /// <summary>A write's effect on its bucket, applied once the write is durable.</summary>
    public void Record(WriteTransaction tx, long bucketId, BucketDelta delta)
    {
        if (delta != default) tx.AfterCommit(() => Apply(_byId.GetOrAdd(bucketId, static id => new BucketCounters(id, null)), delta));
    }

    public void Record(WriteTransaction tx, BucketName bucket, BucketDelta delta) =>
        tx.AfterCommit(() =>
        {
            if (_byName.TryGetValue(bucket.Value, out var b)) Apply(b, delta);
        });

    public void BucketCreated(WriteTransaction tx, long id, BucketName name) => tx.AfterCommit(() => Add(id, name.Value));

    public void BucketDeleted(WriteTransaction tx, long id) =>
        tx.AfterCommit(() =>
        {
            if (_byId.TryRemove(id, out var b) && b.Name is { } name) _byName.TryRemove(name, out _);
        });

    /// <summary>Every bucket's figures (or one bucket's), by name.</summary>
    public List<BucketFigures> Snapshot(string? bucket = null)
    {
        var all = new List<BucketFigures>();
        foreach (var b in _byId.Values)
        {
            if (b.Name is null || (bucket is not null && b.Name != bucket)) continue;
            all.Add(new BucketFigures(b.Name, Volatile.Read(ref b.Objects), Volatile.Read(ref b.Versions), Volatile.Read(ref b.Markers),
                Volatile.Read(ref b.CurrentBytes), Volatile.Read(ref b.Bytes) - Volatile.Read(ref b.CurrentBytes), Volatile.Read(ref b.Uploads)));
        }
        all.Sort(static (x, y) => string.CompareOrdinal(x.Bucket, y.Bucket));
        return all;
    }

    private void Add(long id, string name)
    {
        var b = _byId.GetOrAdd(id, static (id, name) => new BucketCounters(id, name), name);
        b.Name ??= name;
        _byName[name] = b;
    }

    private static void Apply(BucketCounters b, BucketDelta d)
    {
        Interlocked.Add(ref b.Versions, d.Versions);
        Interlocked.Add(ref b.Markers, d.Markers);
        Interlocked.Add(ref b.Bytes, d.Bytes);
        Interlocked.Add(ref b.Objects, d.Objects);
        Interlocked.Add(ref b.CurrentBytes, d.CurrentBytes);
        Interlocked.Add(ref b.Uploads, d.Uploads);
    }

    private static void Query(SqliteConnection connection, string sql, Action<SqliteDataReader> row)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var r = command.ExecuteReader();
        while (r.Read()) row(r);
    }

    private static List<Measurement<long>> Observe(Func<BucketCounters, long> pick)
    {
        var measurements = new List<Measurement<long>>();
        lock (Live)
        {
            foreach (var figures in Live)
            {
                foreach (var b in figures._byId.Values)
                {
                    if (b.Name is not null) measurements.Add(new Measurement<long>(pick(b), new KeyValuePair<string, object?>("bucket", b.Name)));
                }
            }
        }
        return measurements;
    }

    private static List<Measurement<long>> ObserveStore(Func<StoreFigures, long> pick)
    {
        lock (Live)
        {
            var measurements = new List<Measurement<long>>(Live.Count);
            foreach (var figures in Live) measurements.Add(new Measurement<long>(pick(figures)));
            return measurements;
        }
    }

    private sealed class BucketCounters(long id, string? name)
    {
        public long Id { get; } = id;
        public string? Name { get; set; } = name;
        public long Objects;
        public long Versions;
        public long Markers;
        public long Bytes;
        public long CurrentBytes;
        public long Uploads;
    }
}

/// <summary>
/// One write's effect on its bucket's figures. <see cref="Bytes"/> counts every object version's size;
/// noncurrent bytes are those minus <see cref="CurrentBytes"/>.
/// </summary>
internal readonly record struct BucketDelta(long Versions = 0, long Markers = 0, long Bytes = 0, long Objects = 0, long CurrentBytes = 0, long Uploads = 0)
{
    /// <summary>A version or marker left the stack (its current-ness is reported by <see cref="CurrentChanged"/>).</summary>
    public static BucketDelta Removed(Objects.ObjectVersion version) =>
        version.IsDeleteMarker ? new(Markers: -1) : new(Versions: -1, Bytes: -version.Size);

    /// <summary>The key's current object went from <paramref name="before"/> to <paramref name="after"/> bytes (null: none).</summary>
    public static BucketDelta CurrentChanged(long? before, long? after) =>
        new(Objects: (after is null ? 0 : 1) - (before is null ? 0 : 1), CurrentBytes: (after ?? 0) - (before ?? 0));

    public static BucketDelta operator +(BucketDelta a, BucketDelta b) =>
        new(a.Versions + b.Versions, a.Markers + b.Markers, a.Bytes + b.Bytes, a.Objects + b.Objects, a.CurrentBytes + b.CurrentBytes, a.Uploads + b.Uploads);
}

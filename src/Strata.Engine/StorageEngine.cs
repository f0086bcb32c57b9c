using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Buckets;
using Strata.Engine.Listing;
using Strata.Engine.Metadata;
using Strata.Engine.Multipart;
using Strata.Engine.Objects;

namespace Strata.Engine;

public sealed class EngineOptions
{
    /// <summary>The data directory, held by this process: an engine is never opened on a directory it has not locked.</summary>
    public required DataDirectoryLock DataDirectory { get; init; }

    /// <summary>Bodies up to this size live in their metadata row: one WAL fsync per batch instead of a file and two fsyncs each.</summary>
    public int InlineThreshold { get; init; } = 16 * 1024;
}

/// <summary>
/// The storage engine: SQLite metadata (WAL; each batch answered after the WAL's fdatasync, Metadata/WalSync.cs) plus blob files. Every change is one call
/// that runs in one transaction of the group committer; reads use pooled read-only connections, kept open with
/// their prepared statements, and see committed state only.
/// </summary>
public sealed partial class StorageEngine : IAsyncDisposable
{
    private readonly EngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ReadSessions _reads;
    private readonly Committer _committer;
    private readonly WriteNotices _notices = new();
    internal BlobStore Blobs { get; }
    private Identities.SecretBox Secrets { get; }

    private StorageEngine(EngineOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        var directory = options.DataDirectory.Directory;
        var database = Path.Combine(directory, "metadata.db");
        _reads = new ReadSessions(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        _committer = new Committer(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false }.ToString(), _notices);
        Blobs = new BlobStore(directory);
        Secrets = new Identities.SecretBox(directory);
    }

    /// <summary>
    /// Opens (creating or migrating) a locked data directory and removes what a crash left behind. The engine
    /// owns the lock from here on and releases it when disposed, after the last commit (or at once if opening fails).
    /// </summary>
    /// <exception cref="DataDirectoryRefusedException">The directory was written by a newer Strata, or cannot be written.</exception>
    public static StorageEngine Open(EngineOptions options, TimeProvider time, out RecoveryReport report)
    {
        StorageEngine? engine = null;
        try
        {
            engine = new StorageEngine(options, time);
            report = engine.Recover();
            return engine;
        }
        catch (Exception e)
        {
            if (engine is not null) engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
            else options.DataDirectory.Dispose();
            if (e is SqliteException sqlite)
            {
                throw new DataDirectoryRefusedException($"The metadata database in {options.DataDirectory.Directory} cannot be opened: {sqlite.Message}");
            }
            throw;
        }
    }

    public sealed record RecoveryReport(int OrphanBlobsRemoved);

    private RecoveryReport Recover()
    {
        using var command = _committer.StartupConnection.CreateCommand();
        command.CommandText = """
            SELECT 1 WHERE EXISTS (SELECT 1 FROM versions WHERE blob_id = $id)
                OR EXISTS (SELECT 1 FROM parts WHERE blob_id = $id)
                OR EXISTS (SELECT 1 FROM version_parts WHERE blob_id = $id)
            """;
        var id = command.Parameters.Add("$id", SqliteType.Text);
        var removed = Blobs.SweepOrphans(blobId =>
        {
            id.Value = blobId;
            return command.ExecuteScalar() is not null;
        });
        LoadDamageMarks();
        Blobs.Figures.ObserveDamage(() => _damage.Count);
        Blobs.Figures.Load(_committer.StartupConnection);
        return new RecoveryReport(removed);
    }

    private ReadSession Read() => _reads.Rent();

    // ---- Buckets ----

    /// <summary>Creates a bucket owned by <paramref name="owner"/> (an account id; null: the server's own account).</summary>
    /// <param name="configs">Documents (kind, document) a new bucket starts with, in the same commit: its ACL, its ownership.</param>
    public Task<BucketInfo> CreateBucketAsync(BucketName name, string region, string? owner = null, bool objectLockEnabled = false,
        IReadOnlyList<KeyValuePair<string, string>>? configs = null) =>
        _committer.WriteAsync(tx =>
        {
            var created = BucketWrites.Create(tx, name, region, owner, _time.GetUtcNow(), objectLockEnabled, configs);
            Blobs.Figures.BucketCreated(tx, created.Id, created.Name);
            return created;
        });

    /// <summary>Each bucket's objects, versions, delete markers, bytes and open uploads (or one bucket's), counted in memory.</summary>
    public List<Diagnostics.BucketFigures> BucketFigures(string? bucket = null) => Blobs.Figures.Snapshot(bucket);

    /// <summary>The blob files in DATA/blobs and their bytes.</summary>
    public (long Files, long Bytes) BlobStoreFigures() => Blobs.Figures.BlobStore;

    public Task DeleteBucketAsync(BucketName name) => _committer.WriteAsync(tx => BucketWrites.Delete(tx, Blobs, name));

    public Task<BucketInfo> PutBucketVersioningAsync(BucketName name, VersioningState? state, MfaDeleteState? mfaDelete, bool mfaVerified = false) =>
        _committer.WriteAsync(tx => BucketWrites.SetVersioning(tx, name, state, mfaDelete, mfaVerified));

    public BucketInfo? FindBucket(BucketName name)
    {
        using var session = Read();
        return BucketReads.Find(session, name);
    }

    public BucketInfo GetBucket(BucketName name) => FindBucket(name) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);

    /// <summary>Every bucket of every account.</summary>
    public List<BucketInfo> ListBuckets()
    {
        using var session = Read();
        return BucketReads.List(session.Connection, all: true, owner: null);
    }

    /// <summary>The buckets of one account (null: the server's own account), as ListBuckets shows them.</summary>
    public List<BucketInfo> ListBucketsOwnedBy(string? owner)
    {
        using var session = Read();
        return BucketReads.List(session.Connection, all: false, owner);
    }

    // ---- Objects ----

    /// <summary>Starts receiving an object's bytes; <see cref="PutObjectAsync"/> makes them a version.</summary>
    internal BlobDraft CreateDraft() => Blobs.CreateDraft(_options.InlineThreshold);

    /// <summary>Pushes a sealed draft as the new top of the key's version stack (durable when this returns).</summary>
    /// <param name="expectedMd5">Content-MD5 from the request: a mismatch is BadDigest and nothing is stored.</param>
    internal async Task<PutObjectResult> PutObjectAsync(PutObjectCommand command, BlobDraft draft, byte[]? expectedMd5, CancellationToken cancellationToken)
    {
        var content = await draft.SealAsync(cancellationToken);
        if (expectedMd5 is not null && !expectedMd5.AsSpan().SequenceEqual(content.Md5)) S3Fail.With(StrataError.BadDigest);
        var now = _time.GetUtcNow();
        var result = await _committer.WriteAsync(tx => StackWrites.Put(tx, Blobs, command, content, now));
        draft.Keep();
        return result;
    }

    public Task<DeleteObjectResult> DeleteObjectAsync(DeleteObjectCommand command)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx => StackWrites.Delete(tx, Blobs, command, now));
    }

    /// <summary>
    /// The latest version of a key (marker included), or the named version; null when none exists.
    /// Throws NoSuchBucket.
    /// </summary>
    public (BucketInfo Bucket, ObjectVersion? Version) FindVersion(BucketName bucket, ObjectKey key, VersionId? versionId)
    {
        var (info, version, _, _) = FindVersionWithAcl(bucket, key, versionId);
        return (info, version);
    }

    /// <summary>
    /// <see cref="FindVersion"/> with the version's stored ACL (versions.acl, null: private, owned by the bucket owner) and
    /// its x-amz-replication-status (null: replication never touched it), read with the same row: a GET learns the
    /// object's owner and its status without another query.
    /// </summary>
    public (BucketInfo Bucket, ObjectVersion? Version, string? Acl, string? ReplicationStatus) FindVersionWithAcl(BucketName bucket, ObjectKey key,
        VersionId? versionId)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        var keyBytes = key.ToUtf8();
        using var command = session.Command(versionId is null
            ? $"SELECT {Rows.VersionColumns}, v.acl, s.status FROM versions v LEFT JOIN replication_status s ON s.seq = v.seq WHERE v.bucket_id = $b AND v.key = $k ORDER BY v.seq DESC LIMIT 1"
            : $"SELECT {Rows.VersionColumns}, v.acl, s.status FROM versions v LEFT JOIN replication_status s ON s.seq = v.seq WHERE v.bucket_id = $b AND v.key = $k AND v.version_id = $v");
        command.With("$b", info.Id).With("$k", keyBytes);
        if (versionId is { } id) command.With("$v", id.Value);
        using var r = command.ExecuteReader();
        if (!r.Read()) return (info, null, null, null);
        var acl = r.IsDBNull(Rows.VersionColumnCount) ? null : r.GetString(Rows.VersionColumnCount);
        var status = r.IsDBNull(Rows.VersionColumnCount + 1) ? null : r.GetString(Rows.VersionColumnCount + 1);
        return (info, Rows.ReadVersion(r, keyBytes), acl, status);
    }

    /// <summary>
    /// Opens a version's bytes; null when the version was removed after it was looked up (the caller looks
    /// again). Once open, the stream keeps reading the bytes it found even if the key is overwritten.
    /// Each stored body is checked against its hash: an inline one at once, a blob file as its last byte is read
    /// (unless the reader seeks, as a Range GET does); <see cref="Scrub.DamagedContentException"/> if it differs.
    /// </summary>
    public Stream? OpenContent(ObjectVersion version)
    {
        if (version.PartsCount == 0) return OpenVerified(version, 0, version.Size, version.BlobId, version.Inline, version.BodyHash);
        var parts = ObjectParts(version);
        var streams = new List<(long, long, Stream)>(parts.Count);
        foreach (var part in parts)
        {
            Stream? stream;
            try
            {
                stream = OpenVerified(version, part.PartNumber, part.Size, part.BlobId, part.Inline, part.BodyHash);
            }
            catch
            {
                foreach (var (_, _, opened) in streams) opened.Dispose();
                throw;
            }
            if (stream is null)
            {
                foreach (var (_, _, opened) in streams) opened.Dispose();
                return null;
            }
            streams.Add((part.Offset, part.Size, stream));
        }
        // The parts went with the version if it was removed since it was looked up.
        if (streams.Count != version.PartsCount) return null;
        return new ConcatenatedStream(streams, version.Size);
    }

    private Stream? OpenPart(string? blobId, byte[]? inline)
    {
        if (blobId is null) return new MemoryStream(inline ?? [], writable: false);
        try
        {
            return Blobs.OpenRead(blobId);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <summary>The parts of a completed multipart object, in order, with their byte ranges.</summary>
    public List<ObjectPart> ObjectParts(ObjectVersion version)
    {
        if (version.PartsCount == 0) return [new ObjectPart(1, 0, version.Size, version.BlobId, version.Inline, version.Checksum)];
        using var session = Read();
        return MultipartReads.ObjectParts(session.Connection, version.Seq);
    }

    // ---- Multipart uploads ----

    /// <param name="objectLock">The x-amz-object-lock-* headers, given to the object the completion makes.</param>
    /// <param name="tags">x-amz-tagging, given to the object the completion makes.</param>
    public Task<UploadInfo> CreateMultipartUploadAsync(BucketName bucket, ObjectKey key, ObjectHeaders headers, string? checksumAlgorithm, string? checksumType,
        Core.ObjectLock.ObjectLockState? objectLock = null, string? acl = null, Core.Tagging.TagSet? tags = null)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx =>
        {
            var upload = MultipartWrites.Create(tx, bucket, key, headers, checksumAlgorithm, checksumType, now, objectLock, acl, tags);
            Blobs.Figures.Record(tx, bucket, new Diagnostics.BucketDelta(Uploads: 1));
            return upload;
        });
    }

    /// <summary>The upload, or NoSuchBucket / NoSuchUpload; checked before a part's body is read.</summary>
    public UploadInfo GetUpload(BucketName bucket, ObjectKey key, string uploadId)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        return (MultipartReads.Find(session.Connection, info.Id, key, uploadId) ?? throw S3Fail.Exception(StrataError.NoSuchUpload)).Upload;
    }

    internal async Task<PartInfo> UploadPartAsync(BucketName bucket, ObjectKey key, string uploadId, int partNumber, BlobDraft draft,
        byte[]? expectedMd5, Checksum? checksum, CancellationToken cancellationToken)
    {
        var content = await draft.SealAsync(cancellationToken);
        if (expectedMd5 is not null && !expectedMd5.AsSpan().SequenceEqual(content.Md5)) S3Fail.With(StrataError.BadDigest);
        var now = _time.GetUtcNow();
        var part = await _committer.WriteAsync(tx => MultipartWrites.PutPart(tx, Blobs, bucket, key, uploadId, partNumber, content, checksum, now));
        draft.Keep();
        return part;
    }

    public Task<CompleteMultipartResult> CompleteMultipartUploadAsync(BucketName bucket, ObjectKey key, string uploadId,
        IReadOnlyList<CompletedPart> parts, ChecksumRule checksum, WriteConditions? conditions = null, bool isReplica = false)
    {
        var now = _time.GetUtcNow();
        return _committer.WriteAsync(tx => MultipartWrites.Complete(tx, Blobs, bucket, key, uploadId, parts, checksum, conditions, now, isReplica));
    }

    public Task AbortMultipartUploadAsync(BucketName bucket, ObjectKey key, string uploadId) =>
        _committer.WriteAsync(tx =>
        {
            MultipartWrites.Abort(tx, Blobs, bucket, key, uploadId);
            return true;
        });

    public (UploadInfo Upload, List<PartInfo> Parts) ListParts(BucketName bucket, ObjectKey key, string uploadId, int partNumberMarker, int limit)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        var (row, upload) = MultipartReads.Find(session.Connection, info.Id, key, uploadId) ?? throw S3Fail.Exception(StrataError.NoSuchUpload);
        return (upload, MultipartReads.Parts(session.Connection, row, partNumberMarker, limit));
    }

    public ListPage<UploadInfo> ListMultipartUploads(BucketName bucket, string prefix, string? delimiter, string? keyMarker, string? uploadIdMarker, int maxUploads)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        return MultipartReads.List(session.Connection, info.Id, prefix, delimiter, keyMarker, uploadIdMarker, maxUploads);
    }

    public ListPage<ObjectVersion> ListObjects(BucketName bucket, string prefix, string? delimiter, string? startAfter, int maxKeys)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        return ObjectListing.List(session.Connection, info.Id, prefix, delimiter, startAfter, maxKeys);
    }

    public ListPage<ObjectVersion> ListObjectVersions(BucketName bucket, string prefix, string? delimiter, string? keyMarker, VersionId? versionIdMarker, int maxKeys)
    {
        using var session = Read();
        var info = BucketReads.Find(session, bucket) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);
        return VersionListing.List(session.Connection, info.Id, prefix, delimiter, keyMarker, versionIdMarker, maxKeys);
    }

    public async ValueTask DisposeAsync()
    {
        _reads.Dispose();
        await _committer.DisposeAsync();
        Blobs.Figures.Close();
        _options.DataDirectory.Dispose();
    }
}

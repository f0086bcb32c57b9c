using Microsoft.Data.Sqlite;
using Strata.Core;
using Strata.Engine.Blobs;
using Strata.Engine.Metadata;
using Strata.Engine.Objects;
using Strata.Engine.Scrub;

namespace Strata.Engine;

/// <summary>Scrubbing: re-reading stored bodies against their checksums, and refusing to serve the ones found damaged.</summary>
public sealed partial class StorageEngine
{
    private readonly DamageMarks _damage = new();

    /// <summary>
    /// Reads every stored body of one bucket (or of all) and compares it with its checksum; bodies written before schema 14
    /// get theirs. The findings replace those of the same scope (the bucket, or everything) in scrub_findings, and a GET
    /// refuses the versions they name from then on.
    /// </summary>
    /// <param name="bytesPerSecond">At most this many bytes read per second; 0 for as fast as the disk goes.</param>
    /// <exception cref="StrataException">NoSuchBucket.</exception>
    public async Task<ScrubReport> ScrubAsync(BucketName? bucket, long bytesPerSecond, CancellationToken cancellationToken)
    {
        if (bucket is { } named) GetBucket(named);
        var report = await new ScrubPass(_reads, _committer, Blobs, _time, bytesPerSecond).RunAsync(bucket, cancellationToken);
        var scope = bucket?.Value ?? "";
        await _committer.WriteAsync(tx =>
        {
            using (var clear = tx.Command("DELETE FROM scrub_findings WHERE $scope = '' OR bucket = $scope").With("$scope", scope)) clear.ExecuteNonQuery();
            foreach (var finding in report.Findings) InsertFinding(tx, finding);
            using var run = tx.Command("""
                INSERT INTO scrub_runs(scope, started_ms, finished_ms, versions, parts, bytes, hashes_added) VALUES($scope, $st, $fi, $v, $p, $b, $h)
                ON CONFLICT DO UPDATE SET started_ms = excluded.started_ms, finished_ms = excluded.finished_ms, versions = excluded.versions,
                    parts = excluded.parts, bytes = excluded.bytes, hashes_added = excluded.hashes_added
                """)
                .With("$scope", scope).With("$st", report.Started.ToUnixTimeMilliseconds()).With("$fi", report.Finished.ToUnixTimeMilliseconds())
                .With("$v", report.Versions).With("$p", report.Parts).With("$b", report.Bytes).With("$h", report.HashesAdded);
            run.ExecuteNonQuery();
            return true;
        });
        LoadDamageMarks();
        return report;
    }

    /// <summary>The last scrub of this scope (a bucket, or null: every bucket) with the findings now recorded for it; null before the first.</summary>
    public ScrubReport? LastScrub(BucketName? bucket)
    {
        using var session = Read();
        using var command = session.Command("SELECT started_ms, finished_ms, versions, parts, bytes, hashes_added FROM scrub_runs WHERE scope = $scope")
            .With("$scope", bucket?.Value ?? "");
        using var r = command.ExecuteReader();
        if (!r.Read()) return null;
        return new ScrubReport(bucket, DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1)),
            r.GetInt64(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), ReadFindings(session.Connection, bucket));
    }

    /// <summary>The damaged or missing bodies recorded now (by the last scrub, or by GETs since), of one bucket or all.</summary>
    public List<ScrubFinding> DamagedBodies(BucketName? bucket)
    {
        using var session = Read();
        return ReadFindings(session.Connection, bucket);
    }

    /// <summary>
    /// Throws <see cref="DamagedContentException"/> for a version a scrub or an earlier GET found damaged, and, when
    /// <paramref name="checkInline"/>, for an inline body whose bytes no longer match (a HEAD, which opens no content).
    /// </summary>
    public void CheckIntact(ObjectVersion version, bool checkInline)
    {
        if (_damage.Of(version) is { } finding) throw new DamagedContentException(version, finding.PartNumber, finding.Problem, finding.Detail) { AlreadyRecorded = true };
        if (checkInline && version.PartsCount == 0 && version.BlobId is null) CheckInline(version, 0, version.Inline, version.BodyHash);
    }

    /// <summary>Records damage a GET or a copy found while reading, so later requests are refused at once and the admin API shows it.</summary>
    public async Task RecordDamageAsync(BucketName bucket, DamagedContentException damage)
    {
        var finding = new ScrubFinding(bucket, damage.Version.Key, damage.Version.VersionId, damage.PartNumber, damage.Problem, damage.Detail, _time.GetUtcNow())
        {
            Seq = damage.Version.Seq,
            ModifiedMs = damage.Version.LastModified.ToUnixTimeMilliseconds(),
        };
        await _committer.WriteAsync(tx =>
        {
            InsertFinding(tx, finding);
            return true;
        });
        _damage.Add(finding);
    }

    private static void CheckInline(ObjectVersion version, int partNumber, byte[]? inline, byte[]? expected)
    {
        if (expected is null) return;
        Span<byte> actual = stackalloc byte[BodyHash.Length];
        if (!BodyHash.Matches(expected, BodyHash.Of(inline ?? [], actual)))
        {
            throw new DamagedContentException(version, partNumber, ScrubFinding.Mismatch, "its inline bytes do not match the checksum recorded when it was written");
        }
    }

    /// <summary>Opens one stored body (a version's own or a part) so that reading it whole checks it against its hash.</summary>
    private Stream? OpenVerified(ObjectVersion version, int partNumber, long size, string? blobId, byte[]? inline, byte[]? expected)
    {
        if (blobId is null) CheckInline(version, partNumber, inline, expected);
        var stream = OpenPart(blobId, inline);
        return stream is null || blobId is null ? stream : new VerifiedReadStream(stream, size, expected, version, partNumber);
    }

    private void LoadDamageMarks()
    {
        using var session = Read();
        _damage.Replace(ReadFindings(session.Connection, bucket: null));
    }

    private static void InsertFinding(WriteTransaction tx, ScrubFinding finding)
    {
        using var insert = tx.Command("""
            INSERT OR REPLACE INTO scrub_findings(seq, part_number, bucket, key, version_id, modified_ms, problem, detail, found_ms)
            VALUES($s, $n, $b, $k, $v, $m, $p, $d, $f)
            """)
            .With("$s", finding.Seq).With("$n", finding.PartNumber).With("$b", finding.Bucket.Value).With("$k", finding.Key.ToUtf8())
            .With("$v", finding.VersionId.Value).With("$m", finding.ModifiedMs).With("$p", finding.Problem).With("$d", finding.Detail)
            .With("$f", finding.Found.ToUnixTimeMilliseconds());
        insert.ExecuteNonQuery();
    }

    private static List<ScrubFinding> ReadFindings(SqliteConnection connection, BucketName? bucket)
    {
        using var command = connection.CreateCommand();
        // Only versions that still exist: a damaged version deleted since (the usual remedy) is no longer reported.
        command.CommandText = """
            SELECT f.seq, f.part_number, f.bucket, f.key, f.version_id, f.modified_ms, f.problem, f.detail, f.found_ms FROM scrub_findings f
            JOIN versions v ON v.seq = f.seq AND v.version_id = f.version_id AND v.modified_ms = f.modified_ms
            WHERE $bucket IS NULL OR f.bucket = $bucket ORDER BY f.bucket, f.key, f.seq, f.part_number
            """;
        command.With("$bucket", bucket?.Value);
        using var r = command.ExecuteReader();
        var findings = new List<ScrubFinding>();
        while (r.Read())
        {
            VersionId.TryParse(r.GetString(4), out var versionId);
            findings.Add(new ScrubFinding(BucketName.Parse(r.GetString(2)), ObjectKey.FromUtf8((byte[])r.GetValue(3)), versionId, (int)r.GetInt64(1),
                r.GetString(6), r.GetString(7), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(8)))
            {
                Seq = r.GetInt64(0),
                ModifiedMs = r.GetInt64(5),
            });
        }
        return findings;
    }
}

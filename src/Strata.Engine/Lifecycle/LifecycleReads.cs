using System.Text;
using Strata.Core;
using Strata.Core.Lifecycle;
using Strata.Core.Tagging;
using Strata.Engine.Metadata;

namespace Strata.Engine.Lifecycle;

/// <summary>One version as a lifecycle pass reads it: what Core's decision needs, and what the write re-checks.</summary>
/// <param name="Tags">The version's tags (versions.tags), for rules with a Tag filter.</param>
internal readonly record struct PassVersion(long Seq, VersionId VersionId, bool IsDeleteMarker, long Size, DateTimeOffset Created, TagSet? Tags = null);

/// <summary>The version stacks of a run of keys, read in key order.</summary>
internal sealed class StackPage
{
    public List<byte[]> Keys { get; } = [];

    /// <summary>Each key's versions, newest first; <see cref="Keys"/>[i] owns <see cref="Stacks"/>[i].</summary>
    public List<List<PassVersion>> Stacks { get; } = [];

    public int Versions { get; set; }
}

/// <summary>
/// The reads of a lifecycle pass: keyset pagination over the versions_stack index (bucket_id, key, seq DESC), one
/// read session per page, so no read transaction stays open while the pass writes and requests run.
/// </summary>
internal static class LifecycleReads
{
    private const string PageSql = """
        SELECT key, seq, version_id, is_marker, size, modified_ms, tags FROM versions
        WHERE bucket_id = $b AND key > $after ORDER BY key, seq DESC LIMIT $n
        """;

    private const string KeySql = "SELECT key, seq, version_id, is_marker, size, modified_ms, tags FROM versions WHERE bucket_id = $b AND key = $k ORDER BY seq DESC";

    /// <summary>
    /// The whole stacks of the keys after <paramref name="after"/>, about <paramref name="rows"/> versions: a key cut
    /// by the row limit is left to the next page, unless it is the only key, which is then read whole.
    /// </summary>
    public static StackPage ReadPage(ReadSession session, long bucketId, byte[] after, int rows)
    {
        var page = new StackPage();
        var read = 0;
        using (var command = session.Command(PageSql).With("$b", bucketId).With("$after", after).With("$n", rows))
        using (var r = command.ExecuteReader())
        {
            while (r.Read())
            {
                read++;
                var key = (byte[])r.GetValue(0);
                if (page.Keys.Count == 0 || !page.Keys[^1].AsSpan().SequenceEqual(key))
                {
                    page.Keys.Add(key);
                    page.Stacks.Add([]);
                }
                page.Stacks[^1].Add(ReadVersion(r));
            }
        }
        if (read == rows)
        {
            if (page.Keys.Count == 1)
            {
                page.Stacks[0] = ReadKey(session, bucketId, page.Keys[0]);
            }
            else
            {
                page.Keys.RemoveAt(page.Keys.Count - 1);
                page.Stacks.RemoveAt(page.Stacks.Count - 1);
            }
        }
        foreach (var stack in page.Stacks) page.Versions += stack.Count;
        return page;
    }

    private static List<PassVersion> ReadKey(ReadSession session, long bucketId, byte[] key)
    {
        var stack = new List<PassVersion>();
        using var command = session.Command(KeySql).With("$b", bucketId).With("$k", key);
        using var r = command.ExecuteReader();
        while (r.Read()) stack.Add(ReadVersion(r));
        return stack;
    }

    private static PassVersion ReadVersion(Microsoft.Data.Sqlite.SqliteDataReader r)
    {
        VersionId.TryParse(r.GetString(2), out var id);
        return new PassVersion(r.GetInt64(1), id, r.GetInt64(3) != 0, r.GetInt64(4), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
            r.IsDBNull(6) ? null : TagSet.Deserialize(r.GetString(6)));
    }

    /// <summary>Core's view of a stack. Tags: see <see cref="LifecycleTags"/>.</summary>
    public static StackEntry[] Entries(List<PassVersion> stack)
    {
        var entries = new StackEntry[stack.Count];
        for (var i = 0; i < stack.Count; i++)
        {
            var v = stack[i];
            entries[i] = new StackEntry(v.IsDeleteMarker, v.Size, v.Created, LifecycleTags.Of(v));
        }
        return entries;
    }

    public static string KeyText(byte[] key) => Encoding.UTF8.GetString(key);

    /// <summary>A page of the bucket's incomplete multipart uploads, by id.</summary>
    public static List<(long Id, string UploadId, byte[] Key, DateTimeOffset Initiated)> ReadUploads(ReadSession session, long bucketId, long afterId, int rows)
    {
        var uploads = new List<(long, string, byte[], DateTimeOffset)>();
        using var command = session.Command("SELECT id, upload_id, key, initiated_ms FROM uploads WHERE bucket_id = $b AND id > $after ORDER BY id LIMIT $n")
            .With("$b", bucketId).With("$after", afterId).With("$n", rows);
        using var r = command.ExecuteReader();
        while (r.Read()) uploads.Add((r.GetInt64(0), r.GetString(1), (byte[])r.GetValue(2), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3))));
        return uploads;
    }
}

/// <summary>The object tags a lifecycle Tag filter is evaluated against.</summary>
internal static class LifecycleTags
{
    // Read with the page (versions.tags, one column of the rows it reads anyway); a version without tags has none.
    public static IReadOnlyList<KeyValuePair<string, string>> Of(PassVersion version) => version.Tags?.AsPairs() ?? [];
}

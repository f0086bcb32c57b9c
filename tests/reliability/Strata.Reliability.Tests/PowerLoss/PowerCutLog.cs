using System.Buffers.Binary;
using System.Text;

namespace Strata.Reliability.Tests.PowerLoss;

/// <summary>
/// Replays the log of powercut.c and writes what a power cut at the end of the log leaves on disk: for each file,
/// the bytes it had at its last fsync; for each directory, the entries it had at its last fsync (a directory never
/// fsynced keeps the entries it started with). A file whose entry is durable but whose bytes never were is empty.
/// SQLite's -shm is dropped (it is shared memory, rebuilt from the WAL by the next open). This is POSIX's rule, and
/// stricter than ext4's, which commits a new file's entry with the journal more often than not.
/// </summary>
internal sealed class PowerCutLog
{
    private enum Op : uint { Open = 1, Write, Trunc, Extend, Sync, DirSync, Rename, Unlink, Mkdir, Rmdir, Link, Unsupported }

    private sealed class Node(bool isDirectory)
    {
        public bool IsDirectory { get; } = isDirectory;
        public byte[] Bytes = [];
        public long Length;
        public byte[] Durable = [];

        public void EnsureLength(long length)
        {
            if (length > Bytes.Length) Array.Resize(ref Bytes, (int)Math.Max(length, Math.Min((long)Bytes.Length * 2, int.MaxValue)));
            if (length > Length) Length = length;
        }
    }

    // Paths relative to the data directory; "" is the directory itself.
    private readonly Dictionary<string, Node> _now = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Node> _durable = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, Node> _byInode = [];

    public int Records { get; private set; }
    public int Syncs { get; private set; }
    public int DirectorySyncs { get; private set; }
    public long BytesWritten { get; private set; }
    public List<string> Unsupported { get; } = [];

    /// <summary>Starts from a directory whose whole content is durable (the state after the previous cut).</summary>
    public PowerCutLog(string initial)
    {
        var root = new Node(true);
        _now[""] = _durable[""] = root;
        foreach (var entry in Directory.EnumerateFileSystemEntries(initial, "*", SearchOption.AllDirectories))
        {
            var rel = Path.GetRelativePath(initial, entry).Replace('\\', '/');
            Node node;
            if (Directory.Exists(entry)) node = new Node(true);
            else
            {
                var bytes = File.ReadAllBytes(entry);
                node = new Node(false) { Bytes = bytes, Length = bytes.Length, Durable = bytes.ToArray() };
            }
            _now[rel] = _durable[rel] = node;
        }
    }

    public void Replay(string logPath)
    {
        var log = File.ReadAllBytes(logPath);
        var at = 0;
        while (at + 40 <= log.Length)
        {
            var span = log.AsSpan(at);
            var op = (Op)BinaryPrimitives.ReadUInt32LittleEndian(span);
            var len1 = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[4..]);
            var len2 = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[8..]);
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(span[12..]);
            var inode = BinaryPrimitives.ReadUInt64LittleEndian(span[16..]);
            var offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[24..]);
            var length = (long)BinaryPrimitives.ReadUInt64LittleEndian(span[32..]);
            var size = 40 + len1 + len2 + (op == Op.Write ? length : 0);
            if (at + size > log.Length) break; // the kill cut the last record: it never took effect as far as anyone knew
            var path1 = Encoding.UTF8.GetString(log, at + 40, len1);
            var path2 = Encoding.UTF8.GetString(log, at + 40 + len1, len2);
            Apply(op, flags, inode, offset, length, path1, path2, log.AsSpan(at + 40 + len1 + len2, op == Op.Write ? (int)length : 0));
            Records++;
            at += (int)size;
        }
    }

    private void Apply(Op op, uint flags, ulong inode, long offset, long length, string path1, string path2, ReadOnlySpan<byte> data)
    {
        switch (op)
        {
            case Op.Open:
                if ((flags & 1) != 0 || !_now.TryGetValue(path1, out var opened))
                {
                    opened = new Node(false);
                    _now[path1] = opened;
                }
                if ((flags & 2) != 0)
                {
                    Array.Clear(opened.Bytes);
                    opened.Length = 0;
                }
                _byInode[inode] = opened;
                break;
            case Op.Write:
                var written = FileNode(inode, path1);
                written.EnsureLength(offset + length);
                data.CopyTo(written.Bytes.AsSpan((int)offset));
                BytesWritten += length;
                break;
            case Op.Trunc:
                var cut = FileNode(inode, path1);
                if (length > cut.Length) cut.EnsureLength(length);
                else
                {
                    Array.Clear(cut.Bytes, (int)length, (int)(cut.Length - length));
                    cut.Length = length;
                }
                break;
            case Op.Extend:
                FileNode(inode, path1).EnsureLength(length);
                break;
            case Op.Sync:
                var synced = FileNode(inode, path1);
                synced.Durable = synced.Bytes.AsSpan(0, (int)synced.Length).ToArray();
                Syncs++;
                break;
            case Op.DirSync:
                SyncDirectory(path1);
                DirectorySyncs++;
                break;
            case Op.Rename:
                foreach (var (from, to) in Below(path1).Select(p => (p, path2 + p[path1.Length..])).ToList())
                {
                    _now[to] = _now[from];
                    _now.Remove(from);
                }
                break;
            case Op.Link:
                _now[path2] = _now[path1];
                break;
            case Op.Unlink:
            case Op.Rmdir:
                _now.Remove(path1);
                break;
            case Op.Mkdir:
                _now[path1] = new Node(true);
                break;
            default:
                Unsupported.Add($"{path2} on {path1}");
                break;
        }
    }

    private IEnumerable<string> Below(string path) =>
        _now.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal));

    private Node FileNode(ulong inode, string path) =>
        _byInode.TryGetValue(inode, out var node) ? node : throw new InvalidDataException($"a write to {path} (inode {inode}) that was never opened");

    /// <summary>fsync of a directory: its entries now are its entries after a cut.</summary>
    private void SyncDirectory(string directory)
    {
        bool IsChild(string path) => path.Length > 0 && path != directory && Parent(path) == directory;
        foreach (var gone in _durable.Keys.Where(IsChild).Where(p => !_now.ContainsKey(p)).ToList()) _durable.Remove(gone);
        foreach (var (path, node) in _now.Where(e => IsChild(e.Key))) _durable[path] = node;
    }

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "" : path[..slash];
    }

    /// <summary>Writes what survives the cut into <paramref name="target"/> (an empty or missing directory).</summary>
    public (int Files, int LostEntries) WriteSurvivors(string target)
    {
        Directory.CreateDirectory(target);
        var files = 0;
        foreach (var (path, node) in _durable.Where(e => e.Key.Length > 0).OrderBy(e => e.Key.Count(c => c == '/')))
        {
            // An entry survives only inside a directory that survives.
            if (!Reachable(path) || path.EndsWith("-shm", StringComparison.Ordinal)) continue;
            var full = Path.Combine(target, path);
            if (node.IsDirectory) Directory.CreateDirectory(full);
            else
            {
                File.WriteAllBytes(full, node.Durable);
                files++;
            }
        }
        var lost = _now.Keys.Count(p => p.Length > 0 && !(_durable.ContainsKey(p) && Reachable(p)));
        return (files, lost);
    }

    private bool Reachable(string path)
    {
        for (var parent = Parent(path); parent.Length > 0; parent = Parent(parent))
        {
            if (!_durable.TryGetValue(parent, out var node) || !node.IsDirectory) return false;
        }
        return true;
    }
}

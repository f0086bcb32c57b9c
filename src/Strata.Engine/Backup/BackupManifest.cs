using System.Globalization;
using System.Text.Json;
using Strata.Engine.Blobs;

namespace Strata.Engine.Backup;

/// <summary>One file of a backup: where it is in the backup, where it goes in a data directory, its size and SHA-256.</summary>
/// <param name="Mode">The file's Unix permissions (secret.key keeps 0600); null for blobs, which get the default.</param>
internal sealed record BackupEntry(string Path, string RestoreAs, long Size, string Sha256, UnixFileMode? Mode);

/// <summary>
/// DEST/manifest.json: what one backup holds. It is written last, by an atomic rename, so it only ever names
/// files that are complete and fsynced; a backup interrupted before the rename leaves the previous manifest,
/// and the files it names, as they were.
/// </summary>
internal sealed class BackupManifest
{
    public const string FileName = "manifest.json";
    public const string Format = "strata-backup/1";

    public required int Generation { get; init; }
    public required DateTimeOffset Created { get; init; }
    public required string Source { get; init; }
    public required int Schema { get; init; }
    public required long Versions { get; init; }
    public required List<BackupEntry> Files { get; init; }

    /// <summary>The manifest in <paramref name="backupDirectory"/>; null when there is none.</summary>
    /// <exception cref="BackupRefusedException">It exists but is not a manifest this build reads.</exception>
    public static BackupManifest? TryRead(string backupDirectory)
    {
        var path = System.IO.Path.Combine(backupDirectory, FileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = json.RootElement;
            var format = root.GetProperty("format").GetString();
            if (format != Format) throw new BackupRefusedException($"{path} is a backup in format '{format}', which this build of Strata does not read.");
            var files = new List<BackupEntry>();
            foreach (var file in root.GetProperty("files").EnumerateArray())
            {
                UnixFileMode? mode = file.TryGetProperty("mode", out var m) ? (UnixFileMode)Convert.ToInt32(m.GetString(), 8) : null;
                files.Add(new BackupEntry(file.GetProperty("path").GetString()!, file.GetProperty("restoreAs").GetString()!,
                    file.GetProperty("size").GetInt64(), file.GetProperty("sha256").GetString()!, mode));
            }
            return new BackupManifest
            {
                Generation = root.GetProperty("generation").GetInt32(),
                Created = root.GetProperty("created").GetDateTimeOffset(),
                Source = root.GetProperty("source").GetString()!,
                Schema = root.GetProperty("schema").GetInt32(),
                Versions = root.GetProperty("versions").GetInt64(),
                Files = files,
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new BackupRefusedException($"{path} is damaged or is not a Strata backup manifest; nothing was done.");
        }
    }

    /// <summary>Writes the manifest beside a temporary name, fsyncs it, then renames it into place and fsyncs the directory.</summary>
    public void Commit(string backupDirectory)
    {
        var path = System.IO.Path.Combine(backupDirectory, FileName);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                w.WriteStartObject();
                w.WriteString("format", Format);
                w.WriteNumber("generation", Generation);
                w.WriteString("created", Created);
                w.WriteString("source", Source);
                w.WriteNumber("schema", Schema);
                w.WriteNumber("versions", Versions);
                w.WriteStartArray("files");
                foreach (var file in Files)
                {
                    w.WriteStartObject();
                    w.WriteString("path", file.Path);
                    w.WriteString("restoreAs", file.RestoreAs);
                    w.WriteNumber("size", file.Size);
                    w.WriteString("sha256", file.Sha256);
                    if (file.Mode is { } mode) w.WriteString("mode", Convert.ToString((int)mode, 8).PadLeft(4, '0'));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteEndObject();
            }
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
        Fsync.Flush(backupDirectory);
    }

    public static string SnapshotFolder(int generation) => "snapshot-" + generation.ToString("D6", CultureInfo.InvariantCulture);
}

/// <summary>A backup or restore that cannot be done, in words a person can act on; nothing was changed.</summary>
/// <param name="usage">True when the command line itself is wrong (the destination lies inside the data directory).</param>
public sealed class BackupRefusedException(string message, bool usage = false) : Exception(message)
{
    public bool Usage { get; } = usage;
}

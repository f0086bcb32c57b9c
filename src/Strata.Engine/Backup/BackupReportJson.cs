using System.Globalization;
using System.Text.Json;

namespace Strata.Engine.Backup;

/// <summary>The JSON of a backup or restore report: the admin API's answer and `strata backup --json` print the same fields.</summary>
public static class BackupReportJson
{
    public static void Write(Utf8JsonWriter w, BackupReport r)
    {
        var seconds = Math.Max(r.Elapsed.TotalSeconds, 1e-6);
        w.WriteString("destination", r.Destination);
        w.WriteNumber("generation", r.Generation);
        w.WriteNumber("schema", r.Schema);
        w.WriteNumber("versions", r.Versions);
        w.WriteNumber("blobs", r.Blobs);
        w.WriteNumber("blobBytes", r.BlobBytes);
        w.WriteNumber("blobsLinked", r.BlobsLinked);
        w.WriteNumber("blobsCopied", r.BlobsCopied);
        w.WriteNumber("blobsKept", r.BlobsKept);
        w.WriteNumber("blobsRemoved", r.BlobsRemoved);
        w.WriteNumber("bytesCopied", r.BytesCopied);
        w.WriteNumber("otherFiles", r.OtherFiles);
        w.WriteString("seconds", Format(r.Elapsed.TotalSeconds, "0.000"));
        w.WriteString("megabytesPerSecond", Format(r.BlobBytes / 1e6 / seconds, "0.0"));
        w.WriteString("versionsPerSecond", Format(r.Versions / seconds, "0"));
        if (r.MissingBlobs.Count == 0) return;
        w.WriteStartArray("missingBlobs");
        foreach (var blob in r.MissingBlobs)
        {
            w.WriteStartObject();
            w.WriteString("blobId", blob);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    public static void Write(Utf8JsonWriter w, RestoreReport r)
    {
        w.WriteString("dataDirectory", r.DataDirectory);
        w.WriteNumber("generation", r.Generation);
        w.WriteString("backupCreated", r.Created);
        w.WriteNumber("schema", r.Schema);
        w.WriteNumber("versions", r.Versions);
        w.WriteNumber("files", r.Files);
        w.WriteNumber("bytes", r.Bytes);
        w.WriteString("seconds", Format(r.Elapsed.TotalSeconds, "0.000"));
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

using System.Text;
using System.Text.Json;
using Strata.Cli.Admin;

namespace Strata.Cli;

/// <summary>Prints a backup or restore report as the admin commands print answers: name: value lines, or the JSON with --json.</summary>
internal static class BackupOutput
{
    public static void Write(Action<Utf8JsonWriter> write, bool json)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            write(w);
            w.WriteEndObject();
        }
        if (json)
        {
            Console.WriteLine(Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }
        using var document = JsonDocument.Parse(buffer.ToArray());
        Console.Write(AdminTables.Render(document));
    }

    /// <summary>One stderr line per blob the metadata names but the data directory no longer has; true when there were any.</summary>
    public static bool ReportMissing(IReadOnlyList<string> missing)
    {
        foreach (var blob in missing)
        {
            Console.Error.WriteLine($"strata: blob {blob} is named by the metadata but missing from the data directory; it is not in the backup.");
        }
        return missing.Count > 0;
    }
}

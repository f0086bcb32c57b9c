using System.Text;
using System.Text.Json;

namespace Strata.Cli.Admin;

/// <summary>Renders an admin answer for people: arrays as aligned tables, single objects as name: value lines.</summary>
internal static class AdminTables
{
    public static string Render(JsonDocument? answer)
    {
        if (answer is null) return "Done.\n";
        var text = new StringBuilder();
        foreach (var property in answer.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array) text.Append(Table(property.Value));
            else text.Append(property.Name).Append(": ").Append(Scalar(property.Value)).Append('\n');
        }
        return text.ToString();
    }

    // true and false as JSON spells them (JsonElement.ToString() gives "True").
    private static string Scalar(JsonElement value) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetRawText() : value.ToString();

    private static string Table(JsonElement rows)
    {
        var items = rows.EnumerateArray().ToList();
        if (items.Count == 0) return "(none)\n";
        var columns = items[0].EnumerateObject().Select(p => p.Name).Where(n => n != "document").ToList();
        var cells = items.Select(row => columns.Select(c => row.TryGetProperty(c, out var v) ? v.ToString() : "").ToList()).ToList();
        var widths = columns.Select((c, i) => Math.Max(c.Length, cells.Max(r => r[i].Length))).ToList();
        var text = new StringBuilder();
        text.AppendJoin("  ", columns.Select((c, i) => c.ToUpperInvariant().PadRight(widths[i]))).Append('\n');
        foreach (var row in cells) text.AppendJoin("  ", row.Select((v, i) => v.PadRight(widths[i]))).Append('\n');
        foreach (var item in items)
        {
            if (item.TryGetProperty("document", out var document)) text.Append('\n').Append(item.GetProperty("name").GetString()).Append(":\n").Append(document.GetString()).Append('\n');
        }
        return text.ToString();
    }
}

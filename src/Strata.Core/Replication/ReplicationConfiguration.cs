using System.Text;
using System.Text.Json;
using Strata.Core.Tagging;

namespace Strata.Core.Replication;

/// <summary>
/// A bucket's replication configuration: its rules, validated as S3 validates them, and the choice of the rule that
/// replicates a new version or delete marker. Stored by the engine in a compact JSON form (<see cref="Serialize"/>),
/// read back in every write's transaction through a cache, so a write never parses XML.
/// </summary>
public sealed record ReplicationConfiguration(string? Role, IReadOnlyList<ReplicationRule> Rules)
{
    public const int MaxRules = 1000;

    /// <summary>Checks the rules as S3 does; throws InvalidRequest / InvalidArgument with S3's reason.</summary>
    public static ReplicationConfiguration Create(string? role, IReadOnlyList<ReplicationRule> rules)
    {
        if (rules.Count == 0) S3Fail.With(StrataError.MalformedXML);
        if (rules.Count > MaxRules) S3Fail.With(StrataError.InvalidRequest, $"A replication configuration holds at most {MaxRules} rules.");
        var ids = new HashSet<string>(StringComparer.Ordinal);
        var priorities = new HashSet<int>();
        var legacy = 0;
        foreach (var rule in rules)
        {
            if (rule.Id.Length > 255) S3Fail.With(StrataError.InvalidArgument, "ID length should not exceed allowed limit of 255");
            if (!ids.Add(rule.Id)) S3Fail.With(StrataError.InvalidRequest, "Rule Id must be unique.");
            if (rule.Filter.Form == ReplicationFilterForm.LegacyPrefix)
            {
                legacy++;
                continue;
            }
            // S3: with a Filter the rule must say DeleteMarkerReplication, and a tag-based rule cannot replicate markers.
            if (rule.DeleteMarkerReplication is null) S3Fail.With(StrataError.InvalidRequest, "DeleteMarkerReplication must be specified for this version of Cross Region Replication configuration schema.");
            if (rule.DeleteMarkerReplication == true && rule.Filter.Tags.Count > 0)
            {
                S3Fail.With(StrataError.InvalidRequest, "Delete marker replication is not supported if any Tag filter is specified.");
            }
            if (rule.Priority is { } priority && !priorities.Add(priority)) S3Fail.With(StrataError.InvalidRequest, "Found two rules with same priority.");
        }
        if (legacy > 0 && legacy != rules.Count) S3Fail.With(StrataError.InvalidRequest, "Rules with a Prefix and rules with a Filter cannot be mixed.");
        return new ReplicationConfiguration(role, rules);
    }

    /// <summary>
    /// The enabled rule that replicates a new version of <paramref name="key"/> with <paramref name="tags"/> (or a delete
    /// marker, which has no tags), or null. S3: among matching rules the highest Priority wins; a marker replicates only
    /// when that rule replicates markers.
    /// </summary>
    public ReplicationRule? Match(string key, IReadOnlyList<Tag> tags, bool isDeleteMarker)
    {
        ReplicationRule? chosen = null;
        foreach (var rule in Rules)
        {
            if (!rule.Enabled) continue;
            if (isDeleteMarker ? rule.Filter.Tags.Count > 0 || !rule.Filter.Matches(key, []) : !rule.Filter.Matches(key, tags)) continue;
            if (chosen is null || (rule.Priority ?? 0) > (chosen.Priority ?? 0)) chosen = rule;
        }
        if (chosen is null) return null;
        return isDeleteMarker && !chosen.ReplicatesDeleteMarkers ? null : chosen;
    }

    public ReplicationRule? Find(string id)
    {
        foreach (var rule in Rules)
        {
            if (rule.Id == id) return rule;
        }
        return null;
    }

    public string Serialize()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Role is not null) json.WriteString("role", Role);
            json.WriteStartArray("rules");
            foreach (var rule in Rules)
            {
                json.WriteStartObject();
                json.WriteString("id", rule.Id);
                if (rule.Priority is { } priority) json.WriteNumber("priority", priority);
                json.WriteBoolean("enabled", rule.Enabled);
                json.WriteString("form", rule.Filter.Form.ToString());
                json.WriteString("prefix", rule.Filter.Prefix);
                json.WriteStartArray("tags");
                foreach (var (k, v) in rule.Filter.Tags)
                {
                    json.WriteStartArray();
                    json.WriteStringValue(k);
                    json.WriteStringValue(v);
                    json.WriteEndArray();
                }
                json.WriteEndArray();
                if (rule.DeleteMarkerReplication is { } markers) json.WriteBoolean("markers", markers);
                json.WriteString("destination", rule.Destination.Arn);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Reads the stored form back (written by <see cref="Serialize"/>, so trusted).</summary>
    public static ReplicationConfiguration Deserialize(string stored)
    {
        using var document = JsonDocument.Parse(stored);
        var root = document.RootElement;
        var rules = new List<ReplicationRule>();
        foreach (var r in root.GetProperty("rules").EnumerateArray())
        {
            var tags = new List<Tag>();
            foreach (var t in r.GetProperty("tags").EnumerateArray()) tags.Add(new(t[0].GetString()!, t[1].GetString()!));
            ReplicationDestination.TryParse(r.GetProperty("destination").GetString()!, out var destination);
            rules.Add(new ReplicationRule
            {
                Id = r.GetProperty("id").GetString()!,
                Priority = r.TryGetProperty("priority", out var p) ? p.GetInt32() : null,
                Enabled = r.GetProperty("enabled").GetBoolean(),
                Filter = new ReplicationFilter(Enum.Parse<ReplicationFilterForm>(r.GetProperty("form").GetString()!), r.GetProperty("prefix").GetString()!, tags),
                DeleteMarkerReplication = r.TryGetProperty("markers", out var m) ? m.GetBoolean() : null,
                Destination = destination,
            });
        }
        return new ReplicationConfiguration(root.TryGetProperty("role", out var role) ? role.GetString() : null, rules);
    }
}

using System.Text.Json;
using Strata.Client.Recovery;

namespace Strata.Cli;

/// <summary>
/// The steps of a plan as a person checks them before saying yes: the first <see cref="Shown"/> by key, one a
/// line, then how many more; <c>--json</c> lists every one.
/// </summary>
internal sealed class PlanListing
{
    public const int Shown = 20;

    private readonly List<RecoveryStep> _first = new(Shown);

    public IReadOnlyList<RecoveryStep> First => _first;

    public void Add(RecoveryStep step)
    {
        if (_first.Count < Shown) _first.Add(step);
    }

    public void Print(TextWriter o, RecoveryPlan plan)
    {
        foreach (var step in _first) o.WriteLine($"    {Describe(step)}");
        var more = plan.Changes + plan.Refused - _first.Count;
        if (more > 0) o.WriteLine($"    and {Formats.Count(more)} more (--json lists them all)");
    }

    public static string Describe(RecoveryStep step) => step switch
    {
        RecoveryStep.CopyVersion c when c.DestinationBucket == c.SourceBucket && c.DestinationKey == c.Key =>
            $"copy back             {c.Key}  (version {c.VersionId}, {Formats.Bytes(c.Size)})",
        RecoveryStep.CopyVersion c => $"copy                  {c.Key}  (version {c.VersionId}, {Formats.Bytes(c.Size)}) to s3://{c.DestinationBucket}/{c.DestinationKey}",
        RecoveryStep.AddDeleteMarker a => $"add delete marker     {a.Key}",
        RecoveryStep.RemoveDeleteMarker r => $"remove delete marker  {r.Key}  ({r.VersionId})",
        RecoveryStep.Download d => $"download              {d.Key}  (version {d.VersionId}, {Formats.Bytes(d.Size)}) to {d.Path}",
        RecoveryStep.Refuse r => $"refuse                {r.Key}: {r.Reason}",
        Strata.Client.Mirror.MirrorKey m => $"mirror                {m.Key}  ({Formats.Count(m.Versions, "version")}, {Formats.Count(m.Markers, "delete marker")}, {Formats.Bytes(m.Bytes)}) to s3://{m.DestinationBucket}/{m.DestinationKey}",
        _ => $"{step.Name} {step.Key}",
    };

    public static void Write(Utf8JsonWriter json, RecoveryStep step)
    {
        json.WriteStartObject();
        json.WriteString("step", step.Name);
        json.WriteString("key", step.Key);
        switch (step)
        {
            case RecoveryStep.CopyVersion c:
                json.WriteString("versionId", c.VersionId);
                json.WriteNumber("size", c.Size);
                json.WriteString("destination", $"s3://{c.DestinationBucket}/{c.DestinationKey}");
                break;
            case RecoveryStep.RemoveDeleteMarker r:
                json.WriteString("versionId", r.VersionId);
                break;
            case RecoveryStep.Download d:
                json.WriteString("versionId", d.VersionId);
                json.WriteNumber("size", d.Size);
                json.WriteString("destination", d.Path);
                break;
            case RecoveryStep.Refuse r:
                json.WriteString("reason", r.Reason);
                break;
            case Strata.Client.Mirror.MirrorKey m:
                json.WriteNumber("versions", m.Versions);
                json.WriteNumber("deleteMarkers", m.Markers);
                json.WriteNumber("alreadyThere", m.AlreadyThere);
                json.WriteNumber("size", m.Bytes);
                json.WriteString("destination", $"s3://{m.DestinationBucket}/{m.DestinationKey}");
                break;
        }
        json.WriteEndObject();
    }
}

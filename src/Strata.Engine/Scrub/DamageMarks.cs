using Strata.Engine.Objects;

namespace Strata.Engine.Scrub;

/// <summary>
/// The versions a scrub (or a GET) found damaged, held in memory so a GET refuses them at once: a lookup per GET that
/// costs one read of an empty dictionary while nothing is damaged. Replaced whole (copy on write) when findings change.
/// A mark names its version by row, id and time, so a later version that reuses a removed row's seq is not refused.
/// </summary>
internal sealed class DamageMarks
{
    private readonly Lock _gate = new();
    private volatile Dictionary<long, ScrubFinding> _marks = [];

    /// <summary>Versions known to be damaged or missing now (the strata_scrub_damaged_versions gauge).</summary>
    public int Count => _marks.Count;

    public ScrubFinding? Of(ObjectVersion version)
    {
        var marks = _marks;
        if (marks.Count == 0 || !marks.TryGetValue(version.Seq, out var finding)) return null;
        return finding.VersionId == version.VersionId && finding.ModifiedMs == version.LastModified.ToUnixTimeMilliseconds() ? finding : null;
    }

    public void Replace(IEnumerable<ScrubFinding> findings)
    {
        var marks = new Dictionary<long, ScrubFinding>();
        foreach (var finding in findings) marks.TryAdd(finding.Seq, finding);
        lock (_gate) _marks = marks;
    }

    public void Add(ScrubFinding finding)
    {
        lock (_gate)
        {
            var marks = new Dictionary<long, ScrubFinding>(_marks) { [finding.Seq] = finding };
            _marks = marks;
        }
    }
}

using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.PowerLoss;

/// <summary>
/// Power loss, which SIGKILL cannot show (the page cache survives a kill): every write that was not fsynced is
/// dropped at the cut, file by file and directory entry by directory entry (PowerCutLog), and every acknowledged
/// write must survive. The figures go to artifacts/test-results/reliability.txt.
/// </summary>
public sealed class PowerCut(ITestOutputHelper output)
{
    [PowerCutFact]
    public async Task Every_acknowledged_write_survives_a_power_cut_that_loses_everything_not_fsynced()
    {
        var result = await new PowerCutCampaign(output).RunAsync(cycles: 2, forgetDirectorySyncs: false);
        Report("power_cut", result);
        Assert.True(result.Problems.Count == 0, $"After a power cut (seed {result.Seed}), {result.Problems.Count} problem(s):\n  " + string.Join("\n  ", result.Problems.Take(40)));
    }

    [LongFact]
    [Trait("Category", "Long")]
    public async Task Every_acknowledged_write_survives_twenty_power_cuts()
    {
        var result = await new PowerCutCampaign(output).RunAsync(cycles: 20, forgetDirectorySyncs: false);
        Report("power_cut_long", result);
        Assert.True(result.Problems.Count == 0, $"After a power cut (seed {result.Seed}), {result.Problems.Count} problem(s):\n  " + string.Join("\n  ", result.Problems.Take(40)));
    }

    /// <summary>
    /// The control: the same run with directory fsyncs forgotten by the shim (as if Strata and SQLite never made
    /// them) must lose acknowledged writes, or the test could not tell a missing fsync from a present one.
    /// </summary>
    [PowerCutFact]
    public async Task Without_directory_fsyncs_the_same_cut_loses_acknowledged_writes()
    {
        var result = await new PowerCutCampaign(output).RunAsync(cycles: 1, forgetDirectorySyncs: true);
        Report("power_cut_control", result);
        Assert.True(result.AckedWrites > 0, "The control acknowledged no write, so it could not lose one.");
        Assert.NotEmpty(result.Problems);
        output.WriteLine("found, as expected: " + string.Join("\n  ", result.Problems.Take(5)));
    }

    private void Report(string section, PowerCutResult r) => Figures.Write(output, section,
    [
        ("power_cuts", r.Cuts),
        ("acknowledged_writes", r.AckedWrites),
        ("acknowledged_deletes", r.AckedDeletes),
        ("requests_cut", r.RequestsCut),
        ("log_records", r.LogRecords),
        ("file_fsyncs_seen", r.Syncs),
        ("directory_fsyncs_seen", r.DirectorySyncs),
        ("bytes_written_logged", r.BytesLogged),
        ("directory_entries_lost_at_cuts", r.EntriesLost),
        ("acknowledged_write_checks", r.WriteChecks),
        ("bodies_compared_byte_for_byte", r.BodiesCompared),
        ("orphan_blob_files_swept_by_start_up", r.OrphansSwept),
        ("problems", r.Problems.Count),
        ("seconds", Math.Round(r.Elapsed.TotalSeconds, 1)),
        ("seed", r.Seed),
    ]);
}

using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.Crash;

/// <summary>
/// SIGKILL at random moments under concurrent traffic (PUTs, DELETEs, multipart uploads). STRATA_LONG_TESTS=1
/// runs ten times as many cycles.
/// The figures go to artifacts/test-results/reliability.txt.
/// </summary>
public sealed class CrashConsistency(ITestOutputHelper output)
{
    private static bool Long => Environment.GetEnvironmentVariable("STRATA_LONG_TESTS") == "1";

    [Fact]
    public async Task Every_acknowledged_write_and_delete_survives_a_kill_at_any_moment()
    {
        var result = await new CrashCampaign(output).RunAsync(cycles: Long ? 500 : 50, killDuringRecovery: false);
        Report("crash", result);
    }

    [Fact]
    public async Task A_kill_during_start_up_recovery_loses_nothing_either()
    {
        var result = await new CrashCampaign(output).RunAsync(cycles: Long ? 150 : 15, killDuringRecovery: true);
        Report("recovery_crash", result);
    }

    private void Report(string section, CampaignResult r) => Figures.Write(output, section,
    [
        ("kill_cycles_survived", r.KillCycles),
        ("kills_during_recovery", r.RecoveryKills),
        ("kills_during_recovery_before_serving_line", r.RecoveryKillsBeforeServing),
        ("acknowledged_writes", r.AckedWrites),
        ("acknowledged_deletes", r.AckedDeletes),
        ("acknowledged_copies", r.AckedCopies),
        ("acknowledged_delete_objects_keys", r.AckedBatchDeletes),
        ("requests_cut_by_kills", r.RequestsCut),
        ("orphan_blob_files_swept_by_start_up", r.OrphansSweptAtStart),
        ("acknowledged_write_checks", r.WriteChecks),
        ("acknowledged_delete_checks", r.DeleteChecks),
        ("bodies_compared_byte_for_byte", r.BodiesCompared),
        ("orphan_blob_files_found", r.OrphansFound),
        ("blob_files_at_end", r.BlobFiles),
        ("multipart_uploads_started", r.Multipart.Uploads),
        ("multipart_completions_acknowledged", r.Multipart.AckedCompletions),
        ("multipart_completions_cut_by_kills", r.Multipart.CutCompletions),
        ("multipart_cut_completions_found_whole", r.Multipart.CutCompletionsLanded),
        ("multipart_cut_completions_found_not_done_upload_listed", r.Multipart.CutCompletionsNotLanded),
        ("multipart_uploads_cut_before_completion", r.Multipart.CutBeforeCompletion),
        ("multipart_completion_checks", r.Multipart.CompletionChecks),
        ("multipart_part_checks", r.Multipart.PartChecks),
        ("multipart_uploads_found_open_and_aborted", r.Multipart.FoundOpenAndAborted),
        ("multipart_bodies_compared_byte_for_byte", r.Multipart.BodiesCompared),
        ("orphan_blob_files_swept_by_final_clean_restart", r.Multipart.OrphansSweptAtFinalRestart),
        ("seconds", Math.Round(r.Elapsed.TotalSeconds, 1)),
        ("seed", r.Seed),
    ]);
}

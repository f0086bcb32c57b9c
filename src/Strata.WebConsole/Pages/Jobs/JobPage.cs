using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Strata.WebConsole.Hosting;
using Strata.WebConsole.Security;

namespace Strata.WebConsole.Pages.Jobs;

/// <summary>
/// /_strata/console/jobs/{id}: a restore's progress, then its report with every failure explained; console.js polls
/// /_strata/console/jobs/{id}.json and reloads the page when the run ends (without the script: a refresh link).
/// Only the session that started a job finds it: for anyone else it does not exist.
/// </summary>
internal static class JobPage
{
    public static async Task ShowAsync(ConsoleContext ctx)
    {
        if (Find(ctx) is not { } job)
        {
            await NotFoundAsync(ctx);
            return;
        }
        await ctx.RenderAsync<JobView>(new Dictionary<string, object?>
        {
            ["Chrome"] = ctx.Chrome(job.IsRunning ? "Restore running" : "Restore finished"),
            ["Job"] = job,
            ["Now"] = ctx.Options.Time.GetUtcNow(),
        });
    }

    public static async Task JsonAsync(ConsoleContext ctx)
    {
        if (Find(ctx) is not { } job)
        {
            await NotFoundAsync(ctx);
            return;
        }
        var response = ctx.Http.Response;
        response.ContentType = "application/json; charset=utf-8";
        SecurityHeaders.NoStore(response);
        var state = job.IsRunning ? "running" : job.Error is not null ? "stopped" : job.Report is { Ok: true } ? "done" : "failed";
        await JsonSerializer.SerializeAsync(response.Body, new
        {
            state,
            scanned = job.Progress.KeysScanned,
            done = job.Progress.StepsDone,
            failed = job.Progress.Failed,
            bytes = job.Progress.BytesDone,
            planned = job.Plan.Changes,
        }, cancellationToken: ctx.Aborted);
    }

    private static ConsoleJob? Find(ConsoleContext ctx) => SessionJobs.Find(ctx.Session, ctx.Route("id"), ctx.Options.Time.GetUtcNow());

    private static async Task NotFoundAsync(ConsoleContext ctx)
    {
        ctx.Http.Response.StatusCode = StatusCodes.Status404NotFound;
        ctx.Http.Response.ContentType = "text/plain; charset=utf-8";
        SecurityHeaders.NoStore(ctx.Http.Response);
        await ctx.Http.Response.WriteAsync("There is no such job in this session (jobs are kept an hour after they finish).\n", ctx.Aborted);
    }
}

using Strata.WebConsole.Pages.Buckets;
using Strata.WebConsole.Pages.History;
using Strata.WebConsole.Pages.Jobs;
using Strata.WebConsole.Pages.Objects;
using Strata.WebConsole.Pages.Restore;
using Strata.WebConsole.Pages.SignIn;

namespace Strata.WebConsole.Hosting;

/// <summary>
/// Every console URL, in one table (patterns are below /_strata/console). A route needs a session unless marked
/// anonymous: without one a GET redirects to sign-in and a POST is refused. Every POST is checked for its Origin and
/// the session's CSRF token before its handler runs, so a handler only does its work and answers with a page
/// (ctx.RenderAsync) or a 303 to one (ctx.RedirectAsync, after ctx.Notice for the banner).
/// A page is a handler class (Pages/NAME/NAMEPage.cs) and its Razor view (Pages/NAME/NAMEView.razor).
/// </summary>
internal static class ConsoleRoutes
{
    public static readonly Route[] All =
    [
        Route.Get("/", static ctx => ctx.RedirectAsync(ctx.SessionOrNull is null ? ConsolePaths.SignIn : ConsolePaths.Buckets), anonymous: true),
        Route.Get("/assets/{name}", static ctx => ctx.Services.Assets.ServeAsync(ctx.Http, ctx.Route("name")), anonymous: true),
        Route.Get("/sign-in", SignInPage.ShowAsync, anonymous: true),
        Route.Post("/sign-in", SignInPage.SubmitAsync, anonymous: true),
        Route.Post("/sign-out", SignInPage.SignOutAsync),

        // Buckets and browsing.
        Route.Get("/buckets", BucketsPage.ShowAsync),
        Route.Get("/buckets/{bucket}", ObjectsPage.ShowAsync),

        // History, previews, downloads, restores and jobs: added here by the history/restore pages.
        Route.Get("/buckets/{bucket}/history", HistoryPage.ShowAsync),
        Route.Get("/buckets/{bucket}/compare", ComparePage.ShowAsync),
        Route.Get("/buckets/{bucket}/download", BodyPage.DownloadAsync),
        Route.Get("/buckets/{bucket}/preview", BodyPage.PreviewAsync),
        Route.Post("/buckets/{bucket}/restore-version", VersionActions.RestoreVersionAsync),
        Route.Post("/buckets/{bucket}/undelete", VersionActions.UndeleteAsync),
        Route.Get("/buckets/{bucket}/delete-version", DeleteVersionPage.ConfirmAsync),
        Route.Post("/buckets/{bucket}/delete-version", DeleteVersionPage.DeleteAsync),
        Route.Get("/buckets/{bucket}/versioning", VersioningPage.ShowAsync),
        Route.Post("/buckets/{bucket}/versioning", VersioningPage.ChangeAsync),
        Route.Get("/buckets/{bucket}/restore", RestorePage.ShowAsync),
        Route.Post("/buckets/{bucket}/restore", RestorePage.ApplyAsync),
        Route.Get("/jobs/{id}.json", JobPage.JsonAsync), // before /jobs/{id}, which would take "ID.json" too
        Route.Get("/jobs/{id}", JobPage.ShowAsync),
    ];
}

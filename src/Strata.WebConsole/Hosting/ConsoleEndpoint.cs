using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Strata.WebConsole.Security;

namespace Strata.WebConsole.Hosting;

/// <summary>
/// Everything under /_strata/console: the security headers on every answer, the route, the session (a page without
/// one redirects to sign-in, a POST without one is refused), and for every POST the Origin and CSRF checks before
/// the handler runs. A refused request changes nothing.
/// </summary>
internal sealed partial class ConsoleEndpoint
{
    private readonly ConsoleServices _services;

    public ConsoleEndpoint(ConsoleServices services) => _services = services;

    public static bool Handles(HttpRequest request) => request.Path.StartsWithSegments(ConsolePaths.Base, StringComparison.Ordinal);

    public async Task HandleAsync(HttpContext http)
    {
        var response = http.Response;
        SecurityHeaders.Apply(response);
        if (!_services.Options.Enabled)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        if (_services.Options.Endpoint is null)
        {
            await PlainAsync(http, StatusCodes.Status503ServiceUnavailable, "The console is starting; try again in a moment.");
            return;
        }
        var rest = http.Request.Path.Value![ConsolePaths.Base.Length..];
        if (rest.Length == 0)
        {
            response.StatusCode = StatusCodes.Status303SeeOther;
            response.Headers.Location = ConsolePaths.Base + "/";
            return;
        }
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = HttpMethods.IsHead(http.Request.Method) ? HttpMethods.Get : http.Request.Method;
        Route? route = null;
        Dictionary<string, string>? values = null;
        var pathKnown = false;
        foreach (var candidate in ConsoleRoutes.All)
        {
            if (candidate.Match(segments) is not { } matched) continue;
            pathKnown = true;
            if (!string.Equals(candidate.Method, method, StringComparison.Ordinal)) continue;
            (route, values) = (candidate, matched);
            break;
        }
        if (route is null)
        {
            await PlainAsync(http, pathKnown ? StatusCodes.Status405MethodNotAllowed : StatusCodes.Status404NotFound,
                pathKnown ? "That action is not done with this method." : "There is no such console page.");
            return;
        }

        var session = _services.Sessions.Find(SessionCookie.Read(http.Request));
        var isPost = HttpMethods.IsPost(method);
        if (!route.Anonymous && session is null)
        {
            if (isPost)
            {
                await PlainAsync(http, StatusCodes.Status403Forbidden, "Sign in first: there is no session (or it ended). Nothing was changed.");
                return;
            }
            response.StatusCode = StatusCodes.Status303SeeOther;
            response.Headers.Location = ConsolePaths.SignInReturning(http.Request.Path.Value + http.Request.QueryString.Value);
            return;
        }
        if (isPost && await RefusePostAsync(http, route, session)) return;

        try
        {
            await route.Handler(new ConsoleContext(http, values!, session, _services));
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The browser went away.
        }
        catch (Exception error) when (!response.HasStarted)
        {
            // The message is not shown: it may name internals. The log has the type and stack, never a secret
            // (the user's key pair lives only in the session's credentials object).
            LogFailed(_services.Log, route.Pattern, error);
            response.Clear();
            SecurityHeaders.Apply(response);
            await PlainAsync(http, StatusCodes.Status500InternalServerError, "The console failed to answer this page; the server's log has the details.");
        }
    }

    /// <summary>True (and answered 403, or 400 for an oversized form) when a POST comes from another origin, is not a form, or lacks the session's token.</summary>
    private static async Task<bool> RefusePostAsync(HttpContext http, Route route, Sessions.ConsoleSession? session)
    {
        string? reason = null;
        if (!RequestChecks.OriginMatches(http.Request)) reason = "This form was sent from another site.";
        else if (!RequestChecks.IsForm(http.Request)) reason = "This is not a console form.";
        else
        {
            IFormCollection form;
            try
            {
                form = await http.Request.ReadFormAsync(http.RequestAborted);
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
            {
                // Beyond ASP.NET Core's form limits (value count, lengths): no console form is that large.
                await PlainAsync(http, StatusCodes.Status400BadRequest, "This form is larger than any console form. Nothing was changed.");
                return true;
            }
            if (!route.Anonymous && !RequestChecks.TokenMatches(form[RequestChecks.CsrfField].ToString(), session!.CsrfToken))
            {
                reason = "The form's security token is missing or out of date; reload the page and try again.";
            }
        }
        if (reason is null) return false;
        await PlainAsync(http, StatusCodes.Status403Forbidden, reason + " Nothing was changed.");
        return true;
    }

    private static async Task PlainAsync(HttpContext http, int status, string text)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = "text/plain; charset=utf-8";
        SecurityHeaders.NoStore(http.Response);
        await http.Response.WriteAsync(text + "\n", http.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Console page {Route} failed")]
    private static partial void LogFailed(ILogger logger, string route, Exception error);
}

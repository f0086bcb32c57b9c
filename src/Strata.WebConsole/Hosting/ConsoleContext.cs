using Microsoft.AspNetCore.Http;
using Strata.WebConsole.Rendering;
using Strata.WebConsole.Sessions;

namespace Strata.WebConsole.Hosting;

/// <summary>One console request as a handler sees it: the HTTP exchange, the route's values, the session, and the ways to answer.</summary>
internal sealed class ConsoleContext(HttpContext http, IReadOnlyDictionary<string, string> routeValues, ConsoleSession? session, ConsoleServices services)
{
    public HttpContext Http { get; } = http;

    public ConsoleServices Services { get; } = services;

    public ConsoleOptions Options => Services.Options;

    public CancellationToken Aborted => Http.RequestAborted;

    /// <summary>The signed-in session; a route that is not anonymous never runs without one.</summary>
    public ConsoleSession Session => session ?? throw new InvalidOperationException("This console route runs only with a session.");

    public ConsoleSession? SessionOrNull => session;

    /// <summary>A value of the route's pattern, such as {bucket}.</summary>
    public string Route(string name) => routeValues[name];

    /// <summary>A query parameter, or null when absent.</summary>
    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>A field of the posted form (read and checked before the handler runs), or null.</summary>
    public string? Form(string name) => Http.Request.HasFormContentType && Http.Request.Form.TryGetValue(name, out var value) ? value.ToString() : null;

    /// <summary>Answers 303 See Other: after a POST the browser GETs the page (POST, redirect, GET).</summary>
    public Task RedirectAsync(string consolePath)
    {
        Http.Response.StatusCode = StatusCodes.Status303SeeOther;
        Http.Response.Headers.Location = consolePath;
        return Task.CompletedTask;
    }

    /// <summary>A message shown once on the next page of this session (after a redirect): what was done, or why it was refused.</summary>
    public void Notice(string text, bool refusal = false) => Session.SetNotice(new Notice(text, refusal));

    /// <summary>The header, sign-out form and banner for a page of this request.</summary>
    public PageChrome Chrome(string title, Notice? notice = null) => new()
    {
        Title = title,
        AccessKeyId = session?.AccessKeyId,
        CsrfToken = session?.CsrfToken,
        Notice = notice ?? session?.TakeNotice(),
        StylesheetUrl = Services.Assets.Url("console.css"),
        ScriptUrl = Services.Assets.Url("console.js"),
    };

    /// <summary>Renders the page component <typeparamref name="TPage"/> with its parameters as the answer (200 unless set otherwise).</summary>
    public Task RenderAsync<TPage>(IDictionary<string, object?> parameters, int status = StatusCodes.Status200OK) where TPage : Microsoft.AspNetCore.Components.IComponent
    {
        Http.Response.StatusCode = status;
        return Services.Renderer.WriteAsync<TPage>(Http.Response, parameters);
    }
}

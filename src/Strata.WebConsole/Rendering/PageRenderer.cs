using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Strata.WebConsole.Security;

namespace Strata.WebConsole.Rendering;

/// <summary>
/// Static server rendering of the Razor page components with <see cref="HtmlRenderer"/>: escaped output, no Blazor
/// runtime, no circuit, no script. A renderer per page: a renderer keeps every root component it rendered until it
/// is disposed, so one shared renderer would grow with every request.
/// </summary>
internal sealed class PageRenderer(IServiceProvider services, Microsoft.Extensions.Logging.ILoggerFactory loggers)
{
    public async Task WriteAsync<TPage>(HttpResponse response, IDictionary<string, object?> parameters) where TPage : IComponent
    {
        await using var renderer = new HtmlRenderer(services, loggers);
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var root = await renderer.RenderComponentAsync<TPage>(ParameterView.FromDictionary(parameters));
            return root.ToHtmlString();
        });
        response.ContentType = "text/html; charset=utf-8";
        SecurityHeaders.NoStore(response);
        await response.WriteAsync("<!DOCTYPE html>\n" + html, Encoding.UTF8, response.HttpContext.RequestAborted);
    }
}

using System.Text;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Http;
using Strata.WebConsole.Security;

namespace Strata.WebConsole.Rendering;

/// <summary>
/// Static server rendering of the Razor page components with <see cref="HtmlRenderer"/>: escaped output, no Blazor
/// runtime, no circuit, no script. One renderer serves every request; each render runs on its dispatcher.
/// </summary>
internal sealed class PageRenderer(IServiceProvider services, Microsoft.Extensions.Logging.ILoggerFactory loggers) : IAsyncDisposable
{
    private readonly HtmlRenderer _renderer = new(services, loggers);

    public async Task WriteAsync<TPage>(HttpResponse response, IDictionary<string, object?> parameters) where TPage : IComponent
    {
        var html = await _renderer.Dispatcher.InvokeAsync(async () =>
        {
            var root = await _renderer.RenderComponentAsync<TPage>(ParameterView.FromDictionary(parameters));
            return root.ToHtmlString();
        });
        response.ContentType = "text/html; charset=utf-8";
        SecurityHeaders.NoStore(response);
        await response.WriteAsync("<!DOCTYPE html>\n" + html, Encoding.UTF8, response.HttpContext.RequestAborted);
    }

    public ValueTask DisposeAsync() => _renderer.DisposeAsync();
}

using System.Text.Json;
using Microsoft.Playwright;

namespace Strata.Browser.Tests;

/// <summary>Headless Chromium through Playwright, started once per test class: Debian's build, never a downloaded one.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium was not started.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath)) return; // the tests are skipped
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox"], // CI runs as root, where Chromium's sandbox refuses to start
        });
    }

    /// <summary>Opens <paramref name="site"/>'s page in a fresh context and runs <paramref name="call"/> there; the function's answer is a JSON object.</summary>
    public async Task<PageAnswer> RunOnPageAsync(PageServer site, string call, object arguments)
    {
        await using var context = await Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync(site.Origin.ToString());
        return new PageAnswer(await page.EvaluateAsync<string>(call, arguments));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

/// <summary>What a page's script answered: a JSON object, read field by field (absent or of another type: null).</summary>
public sealed class PageAnswer
{
    private readonly string _json;
    private readonly JsonElement _root;

    public PageAnswer(string json)
    {
        _json = json;
        using var document = JsonDocument.Parse(json);
        _root = document.RootElement.Clone();
    }

    public string? Text(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public int? Number(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;

    public byte[]? Bytes(string name) => Text(name) is { } base64 ? Convert.FromBase64String(base64) : null;

    public override string ToString() => _json;
}

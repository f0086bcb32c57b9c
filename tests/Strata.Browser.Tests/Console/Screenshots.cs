using Microsoft.Playwright;

namespace Strata.Browser.Tests.Console;

/// <summary>
/// Screenshots of the console's pages, into artifacts/test-results/console/ with the other test results; also into
/// docs/console/ (the README and docs/CONSOLE.md show them) when STRATA_UPDATE_SCREENSHOTS=1, so that a test run
/// does not rewrite tracked files.
/// </summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        if (RepositoryRoot() is not { } root) return;
        var folders = new List<string> { Path.Combine(root, "artifacts", "test-results", "console") };
        if (Environment.GetEnvironmentVariable("STRATA_UPDATE_SCREENSHOTS") == "1") folders.Add(Path.Combine(root, "docs", "console"));
        foreach (var folder in folders)
        {
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(Path.Combine(folder, name + ".png"), bytes);
        }
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Strata.slnx"))) return dir.FullName;
        }
        return null;
    }
}

using Microsoft.Playwright;

namespace Strata.Browser.Tests.Console;

/// <summary>Screenshots of the history, restore and job pages: into docs/console/ and artifacts/test-results/console/.</summary>
public static class RecoveryScreenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { FullPage = true });
        if (RepositoryRoot() is not { } root) return;
        foreach (var folder in new[] { Path.Combine(root, "docs", "console"), Path.Combine(root, "artifacts", "test-results", "console") })
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

namespace Strata.Browser.Tests;

/// <summary>
/// A test that drives Debian's Chromium (tests/install-prereqs installs it; Playwright never downloads a browser).
/// Without /usr/bin/chromium the test is reported as skipped, never passed.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (!File.Exists(Chromium.ExecutablePath)) Skip = $"Needs Chromium at {Chromium.ExecutablePath} (apt-get install chromium; tests/install-prereqs does).";
    }
}

namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// The figures of a run, kept in artifacts/test-results/reliability.txt (one "section.name=value" per line,
/// each test replacing its own section; see <see cref="FiguresFile"/>) and echoed to the test output.
/// </summary>
internal static class Figures
{
    public static string FilePath => FiguresFile.FilePath;

    public static void Write(ITestOutputHelper? output, string section, IReadOnlyList<(string Name, object Value)> figures)
    {
        foreach (var line in FiguresFile.Write(section, figures)) output?.WriteLine(line);
    }
}

namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// The figures of a run, kept in artifacts/test-results/reliability.txt (one "section.name=value" per line,
/// each test replacing its own section) and echoed to the test output.
/// </summary>
internal static class Figures
{
    private static readonly Lock Gate = new();

    public static string FilePath => Path.Combine(PublishedServer.RepositoryRoot(), "artifacts", "test-results", "reliability.txt");

    public static void Write(ITestOutputHelper? output, string section, IReadOnlyList<(string Name, object Value)> figures)
    {
        var lines = figures.Select(f => $"{section}.{f.Name}={f.Value}").ToList();
        foreach (var line in lines) output?.WriteLine(line);
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            var kept = File.Exists(FilePath)
                ? File.ReadAllLines(FilePath).Where(l => !l.StartsWith(section + ".", StringComparison.Ordinal) && !l.StartsWith('#')).ToList()
                : [];
            kept.AddRange(lines);
            kept.Sort(StringComparer.Ordinal);
            kept.Insert(0, "# Strata reliability figures, written by tests/reliability/Strata.Reliability.Tests (latest run of each test).");
            File.WriteAllLines(FilePath, kept);
        }
    }
}

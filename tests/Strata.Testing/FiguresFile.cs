namespace Strata.Testing;

/// <summary>
/// artifacts/test-results/reliability.txt: one "section.name=value" per line, sorted, each run of a test
/// replacing its own section. Written by the reliability suite and by the fuzz properties of
/// Strata.Server.Auth.Tests; test assemblies may run in parallel processes, so a lock file serializes the
/// read-modify-write across them.
/// </summary>
public static class FiguresFile
{
    private static readonly Lock Gate = new();

    public static string FilePath => Path.Combine(RepositoryRoot(), "artifacts", "test-results", "reliability.txt");

    /// <summary>The folder holding Strata.slnx, found upwards from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Strata.slnx"))) return dir.FullName;
        }
        throw new InvalidOperationException($"No Strata.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>Replaces <paramref name="section"/>'s lines with <paramref name="figures"/>; returns the lines written.</summary>
    public static List<string> Write(string section, IReadOnlyList<(string Name, object Value)> figures)
    {
        var lines = figures.Select(f => $"{section}.{f.Name}={f.Value}").ToList();
        lock (Gate)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            using var crossProcess = AcquireLockFile(FilePath + ".lock");
            var kept = File.Exists(FilePath)
                ? File.ReadAllLines(FilePath).Where(l => !l.StartsWith(section + ".", StringComparison.Ordinal) && !l.StartsWith('#')).ToList()
                : [];
            kept.AddRange(lines);
            kept.Sort(StringComparer.Ordinal);
            kept.Insert(0, "# Strata reliability figures, written by tests/reliability/Strata.Reliability.Tests and the fuzz properties (latest run of each test).");
            File.WriteAllLines(FilePath, kept);
        }
        return lines;
    }

    // Bounded: 200 attempts 25 ms apart, then written without the lock rather than failing a test over a figure.
    private static FileStream? AcquireLockFile(string path)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose);
            }
            catch (IOException)
            {
                Thread.Sleep(25);
            }
        }
        return null;
    }
}

using System.Diagnostics;
using Strata.Reliability.Tests.Harness;

namespace Strata.Reliability.Tests.PowerLoss;

/// <summary>powercut.c, compiled with gcc for this run (no binary is kept in the repository).</summary>
internal static class Shim
{
    public static string Source => Path.Combine(PublishedServer.RepositoryRoot(), "tests", "reliability", "Strata.Reliability.Tests", "PowerLoss", "powercut.c");

    public static bool CanBuild => OperatingSystem.IsLinux() && FindOnPath("gcc") is not null;

    public static string Compile(string directory)
    {
        var output = Path.Combine(directory, "powercut.so");
        var start = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", output, Source, "-ldl", "-lpthread" }) start.ArgumentList.Add(argument);
        using var gcc = Process.Start(start)!;
        var errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, $"gcc could not build {Source}:\n{errors}");
        return output;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}

/// <summary>A power-loss test: runs on Linux with gcc on the PATH, and is reported as skipped elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PowerCutFactAttribute : FactAttribute
{
    public PowerCutFactAttribute()
    {
        if (!Shim.CanBuild) Skip = "Needs Linux and gcc, to build the LD_PRELOAD shim (PowerLoss/powercut.c).";
    }
}

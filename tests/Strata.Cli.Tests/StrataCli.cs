using System.Diagnostics;
using System.Reflection;

namespace Strata.Cli.Tests;

/// <summary>What a user sees from one run of the `strata` binary: exit code, stdout, stderr.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}

/// <summary>
/// Runs the built `strata` as a user would: a process with arguments and environment. The binary is
/// STRATA_CLI when set, else the Strata.Cli build output of this configuration, else artifacts/strata/strata.
/// The environment is the user's minus every AWS_* variable, so the test's own shell cannot leak in.
/// </summary>
public static class StrataCli
{
    public static string Binary { get; } = Find();

    public static async Task<CliResult> RunAsync(StrataServer server, params string[] args) =>
        await RunAsync(args.Append("--endpoint-url").Append(server.Endpoint.ToString()), new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = StrataServer.AccessKey,
            ["AWS_SECRET_ACCESS_KEY"] = StrataServer.SecretKey,
        });

    public static async Task<CliResult> RunAsync(IEnumerable<string> args, IDictionary<string, string> environment, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(Binary)
        {
            WorkingDirectory = workingDirectory ?? "",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("AWS_", StringComparison.Ordinal)).ToList()) start.Environment.Remove(name);
        // No shared files and no instance metadata unless a test provides them.
        start.Environment["AWS_CONFIG_FILE"] = "/nonexistent/strata-test-config";
        start.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/strata-test-credentials";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        foreach (var (name, value) in environment) start.Environment[name] = value;

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    private static string Find()
    {
        if (Environment.GetEnvironmentVariable("STRATA_CLI") is { Length: > 0 } explicitPath) return explicitPath;
        var buildOutput = typeof(StrataCli).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "StrataCliDirectory").Value!;
        var candidate = Path.GetFullPath(Path.Combine(buildOutput, "strata"));
        if (File.Exists(candidate)) return candidate;
        var artifacts = Path.GetFullPath(Path.Combine(buildOutput, "../../../../../artifacts/strata/strata"));
        if (File.Exists(artifacts)) return artifacts;
        throw new FileNotFoundException($"The strata binary is neither at {candidate} nor at {artifacts}; build src/Strata.Cli or set STRATA_CLI.");
    }
}

using System.Globalization;
using CsCheck;
using Strata.Core;
using Strata.Testing;
using Xunit.Abstractions;

namespace Strata.Server.Auth.Tests.Fuzz;

/// <summary>
/// How a fuzz property runs: CsCheck draws the cases (and shrinks a failing one to a small example it prints
/// with its seed), the CI run takes <see cref="Iterations"/> cases, STRATA_FUZZ_ITERATIONS sets a long run and
/// STRATA_FUZZ_SEED repeats one. The number of executions goes to artifacts/test-results/reliability.txt as
/// "fuzz.&lt;name&gt;.executions=N".
/// </summary>
internal static class FuzzRun
{
    /// <summary>Cases per property when STRATA_FUZZ_ITERATIONS is unset: a few seconds for all of them.</summary>
    public const int CiIterations = 2000;

    public static long Iterations(int ciDefault = CiIterations) =>
        long.TryParse(Environment.GetEnvironmentVariable("STRATA_FUZZ_ITERATIONS"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n : ciDefault;

    /// <summary>A CsCheck seed printed by a failing run, to replay it.</summary>
    public static string? Seed => Environment.GetEnvironmentVariable("STRATA_FUZZ_SEED") is { Length: > 0 } seed ? seed : null;

    public static string CorpusDirectory(string name) =>
        Path.Combine(FiguresFile.RepositoryRoot(), "tests", "Strata.Server.Auth.Tests", "Fuzz", "corpus", name);

    /// <summary>The seed inputs of one target, in file-name order.</summary>
    public static List<byte[]> Corpus(string name)
    {
        var files = Directory.GetFiles(CorpusDirectory(name)).Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        return files.Select(File.ReadAllBytes).ToList();
    }

    /// <summary>Runs <paramref name="property"/> on <paramref name="iterations"/> cases of <paramref name="gen"/>, one thread (the machine is shared).</summary>
    public static long Check<T>(string name, Gen<T> gen, Action<T> property, ITestOutputHelper output, long? iterations = null, Func<T, string>? print = null)
    {
        long executions = 0;
        gen.Sample(value =>
        {
            executions++;
            property(value);
        }, writeLine: output.WriteLine, seed: Seed, iter: iterations ?? Iterations(), threads: 1, print: print);
        Report(name, output, ("executions", executions));
        return executions;
    }

    public static void Report(string name, ITestOutputHelper output, params (string Name, object Value)[] figures)
    {
        foreach (var line in FiguresFile.Write("fuzz." + name, figures)) output.WriteLine(line);
    }

    /// <summary>The property every parser must have on hostile input: it returns, or refuses with S3's error.</summary>
    public static bool RefusesOnlyWithStrataException(Action parse)
    {
        try
        {
            parse();
            return true;
        }
        catch (StrataException)
        {
            return false;
        }
    }
}

/// <summary>CsCheck generators of <see cref="Mutation"/>s, so a failing list shrinks to a short one.</summary>
internal static class Mutations
{
    public static readonly Gen<Mutation> One = Gen.Select(Gen.Int[0, Mutation.Kinds - 1], Gen.Int[0, int.MaxValue], Gen.Int[1, 24], Gen.Int[0, int.MaxValue],
        (kind, at, length, value) => new Mutation(kind, at, length, value));

    public static readonly Gen<Mutation[]> Some = One.Array[1, 6];
}

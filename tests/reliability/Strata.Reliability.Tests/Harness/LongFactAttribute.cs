namespace Strata.Reliability.Tests.Harness;

/// <summary>
/// A test that takes minutes and gigabytes: it runs only with STRATA_LONG_TESTS=1 (as tests/run-all does then)
/// and is reported as skipped otherwise, so a plain `dotnet test` stays short. Pair it with
/// <c>[Trait("Category", "Long")]</c>, which tests/run-all filters on.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("STRATA_LONG_TESTS") != "1") Skip = "Long test: set STRATA_LONG_TESTS=1 to run it.";
    }
}

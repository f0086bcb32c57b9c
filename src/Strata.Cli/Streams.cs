namespace Strata.Cli;

internal static class Streams
{
    /// <summary>
    /// Fetches the first element before returning, so a missing bucket or a refused listing fails before any
    /// output is written: a script never gets half a JSON document with exit code 3.
    /// </summary>
    public static async Task<IAsyncEnumerable<T>> StartAsync<T>(IAsyncEnumerable<T> source, CancellationToken cancellationToken)
    {
        var enumerator = source.GetAsyncEnumerator(cancellationToken);
        bool hasFirst;
        try
        {
            hasFirst = await enumerator.MoveNextAsync();
        }
        catch
        {
            await enumerator.DisposeAsync();
            throw;
        }
        return RestAsync(enumerator, hasFirst);
    }

    private static async IAsyncEnumerable<T> RestAsync<T>(IAsyncEnumerator<T> enumerator, bool hasNext)
    {
        await using (enumerator)
        {
            while (hasNext)
            {
                yield return enumerator.Current;
                hasNext = await enumerator.MoveNextAsync();
            }
        }
    }
}

using Amazon.Runtime;
using Strata.Client;
using Strata.Client.Connection;

namespace Strata.Cli;

/// <summary>
/// The exit codes a script can trust, and the one place a failure becomes words on stderr (never a stack trace):
/// 0 done, 1 some keys failed (each listed) or a server refused to start, 2 the command line is wrong, 3 nothing could be done,
/// 130 interrupted.
/// </summary>
internal static class CommandErrors
{
    public const int Ok = 0;
    public const int SomeFailed = 1;

    /// <summary>`strata serve` refused to start: the data directory, a file or the port cannot be used.</summary>
    public const int StartRefused = 1;
    public const int Usage = 2;
    public const int Refused = 3;
    public const int Interrupted = 130;

    /// <summary>Runs a client command; <paramref name="connection"/> names the endpoint when a failure to reach it is explained.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> action, EndpointOptions? connection = null,
        string interrupted = "Interrupted. Run the same command again to finish: what is already done is skipped.", TextWriter? error = null)
    {
        error ??= Console.Error;
        try
        {
            return await action();
        }
        catch (FormatException e)
        {
            return Fail(error, Usage, e.Message);
        }
        catch (StrataClientException e)
        {
            // A recovery job wraps what the SDK threw; a connection failure inside is told as one.
            return Fail(error, Refused, e.InnerException is { } inner && await ExplainConnectionAsync(inner, connection) is { } unreachable ? unreachable : e.Message);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            return Fail(error, Refused, await ExplainConnectionAsync(e, connection) ?? S3ErrorExplainer.Explain(e));
        }
        catch (OperationCanceledException)
        {
            return Fail(error, Interrupted, interrupted);
        }
    }

    private static async Task<string?> ExplainConnectionAsync(Exception error, EndpointOptions? connection) =>
        error is AmazonServiceException ? null : await ConnectionFailure.ExplainAsync(error, connection?.Endpoint, connection?.CaBundle);

    private static int Fail(TextWriter error, int code, string message)
    {
        error.WriteLine($"strata: {message}");
        return code;
    }
}

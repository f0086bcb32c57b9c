using Amazon.Runtime;
using Strata.Client;

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

    public static async Task<int> RunAsync(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (FormatException e)
        {
            return Fail(Usage, e.Message);
        }
        catch (StrataClientException e)
        {
            return Fail(Refused, e.Message);
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException or UnauthorizedAccessException)
        {
            return Fail(Refused, S3ErrorExplainer.Explain(e));
        }
        catch (OperationCanceledException)
        {
            return Fail(Interrupted, "Interrupted. Run the same command again to finish: what is already done is skipped.");
        }
    }

    private static int Fail(int code, string message)
    {
        Console.Error.WriteLine($"strata: {message}");
        return code;
    }
}

using Amazon.S3;

namespace Strata.WebConsole.Sessions;

/// <summary>
/// One signed-in user. The secret key lives only inside <see cref="S3"/>'s credentials, in memory: never in a
/// cookie, page, URL, log line or exception message.
/// </summary>
internal sealed class ConsoleSession(string id, string accessKeyId, string csrfToken, AmazonS3Client s3, DateTimeOffset now) : IDisposable
{
    private long _lastSeenTicks = now.UtcTicks;

    /// <summary>32 random bytes, base64url: the only thing the cookie carries.</summary>
    public string Id { get; } = id;

    public string AccessKeyId { get; } = accessKeyId;

    /// <summary>The synchronizer token every form of this session carries (field <c>csrf</c>).</summary>
    public string CsrfToken { get; } = csrfToken;

    /// <summary>The user's own S3 client: every console action is a request with the user's rights.</summary>
    public AmazonS3Client S3 { get; } = s3;

    public DateTimeOffset LastSeen => new(Interlocked.Read(ref _lastSeenTicks), TimeSpan.Zero);

    public void Touch(DateTimeOffset now) => Interlocked.Exchange(ref _lastSeenTicks, now.UtcTicks);

    private Rendering.Notice? _notice;

    /// <summary>Kept for the next page this session sees (POST, redirect, GET), then gone.</summary>
    public void SetNotice(Rendering.Notice notice) => Volatile.Write(ref _notice, notice);

    public Rendering.Notice? TakeNotice() => Interlocked.Exchange(ref _notice, null);

    // The session's own hold on S3, and one per background job that uses it: the client is disposed at the last release.
    private int _holds = 1;

    /// <summary>
    /// Keeps <see cref="S3"/> open past the session's end for a background job (a folder restore the user started runs
    /// to its end, as <c>strata restore</c> would, even after sign-out or the idle timeout); dispose it when the job ends.
    /// </summary>
    public IDisposable HoldClient()
    {
        Interlocked.Increment(ref _holds);
        return new Hold(this);
    }

    public void Dispose() => Release();

    private void Release()
    {
        if (Interlocked.Decrement(ref _holds) == 0) S3.Dispose();
    }

    private sealed class Hold(ConsoleSession session) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) session.Release();
        }
    }
}

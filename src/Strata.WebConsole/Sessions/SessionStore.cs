using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Amazon.S3;
using Strata.WebConsole.Hosting;

namespace Strata.WebConsole.Sessions;

/// <summary>
/// The live sessions, in memory on the server: the cookie holds only an id. A session unused for the idle timeout
/// is gone (measured with the server's clock); beyond the cap, the longest idle one is dropped first.
/// </summary>
internal sealed class SessionStore(ConsoleOptions options) : IDisposable
{
    private readonly ConcurrentDictionary<string, ConsoleSession> _sessions = new(StringComparer.Ordinal);

    public int Count => _sessions.Count;

    public ConsoleSession Start(string accessKeyId, AmazonS3Client s3)
    {
        var now = options.Time.GetUtcNow();
        DropIdle(now);
        while (_sessions.Count >= Math.Max(1, options.MaxSessions))
        {
            var oldest = _sessions.Values.MinBy(s => s.LastSeen);
            if (oldest is null) break;
            End(oldest.Id);
        }
        var session = new ConsoleSession(NewSecret(), accessKeyId, NewSecret(), s3, now);
        _sessions[session.Id] = session;
        return session;
    }

    /// <summary>The live session of this id, its idle clock restarted; null when unknown or idle too long (then it ends).</summary>
    public ConsoleSession? Find(string? id)
    {
        if (string.IsNullOrEmpty(id) || !_sessions.TryGetValue(id, out var session)) return null;
        var now = options.Time.GetUtcNow();
        if (now - session.LastSeen > options.IdleTimeout)
        {
            End(id);
            return null;
        }
        session.Touch(now);
        return session;
    }

    /// <summary>Sign-out: the session is gone server-side, so its cookie no longer works anywhere.</summary>
    public void End(string id)
    {
        if (_sessions.TryRemove(id, out var session)) session.Dispose();
    }

    private void DropIdle(DateTimeOffset now)
    {
        foreach (var session in _sessions.Values)
        {
            if (now - session.LastSeen > options.IdleTimeout) End(session.Id);
        }
    }

    private static string NewSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public void Dispose()
    {
        foreach (var id in _sessions.Keys) End(id);
    }
}

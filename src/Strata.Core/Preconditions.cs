namespace Strata.Core;

public enum PreconditionOutcome
{
    Proceed,
    NotModified,
    PreconditionFailed,
}

/// <summary>
/// Conditional request headers, evaluated as S3 documents them (RFC 7232 order): If-Match decides before
/// If-Unmodified-Since, and If-None-Match before If-Modified-Since.
/// </summary>
public sealed record Preconditions(
    string? IfMatch,
    string? IfNoneMatch,
    DateTimeOffset? IfModifiedSince,
    DateTimeOffset? IfUnmodifiedSince)
{
    public bool IsEmpty => IfMatch is null && IfNoneMatch is null && IfModifiedSince is null && IfUnmodifiedSince is null;

    /// <summary>For GET and HEAD: failures of the "none" conditions are 304, the others 412.</summary>
    public PreconditionOutcome Evaluate(string etag, DateTimeOffset lastModified)
    {
        // HTTP dates have whole seconds; compare at that precision.
        var modified = TruncateToSeconds(lastModified);
        if (IfMatch is not null)
        {
            if (!ETagListMatches(IfMatch, etag)) return PreconditionOutcome.PreconditionFailed;
        }
        else if (IfUnmodifiedSince is { } unmodifiedSince && modified > unmodifiedSince)
        {
            return PreconditionOutcome.PreconditionFailed;
        }

        if (IfNoneMatch is not null)
        {
            if (ETagListMatches(IfNoneMatch, etag)) return PreconditionOutcome.NotModified;
        }
        else if (IfModifiedSince is { } modifiedSince && modified <= modifiedSince)
        {
            return PreconditionOutcome.NotModified;
        }
        return PreconditionOutcome.Proceed;
    }

    /// <summary>For x-amz-copy-source-if-*: every failure is 412.</summary>
    public PreconditionOutcome EvaluateForCopySource(string etag, DateTimeOffset lastModified) =>
        Evaluate(etag, lastModified) == PreconditionOutcome.Proceed ? PreconditionOutcome.Proceed : PreconditionOutcome.PreconditionFailed;

    public static bool ETagListMatches(string headerValue, string etag)
    {
        var bare = etag.Trim('"');
        foreach (var part in headerValue.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "*") return true;
            var candidate = part.StartsWith("W/", StringComparison.Ordinal) ? part[2..] : part;
            if (candidate.Trim('"') == bare) return true;
        }
        return false;
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset);
}

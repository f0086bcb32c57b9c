using Strata.Core.Tagging;

namespace Strata.Core.Replication;

/// <summary>How a rule's filter was written, so GetBucketReplication gives back the form that was sent.</summary>
public enum ReplicationFilterForm
{
    /// <summary>The legacy top-level &lt;Prefix&gt; of the rule (S3's first schema: delete markers replicate).</summary>
    LegacyPrefix,

    /// <summary>&lt;Filter/&gt;: every object.</summary>
    Empty,
    Prefix,
    Tag,
    And,
}

/// <summary>A rule's filter: the key starts with <see cref="Prefix"/> and the version carries every one of <see cref="Tags"/>.</summary>
public sealed record ReplicationFilter(ReplicationFilterForm Form, string Prefix, IReadOnlyList<Tag> Tags)
{
    public static readonly ReplicationFilter Everything = new(ReplicationFilterForm.Empty, "", []);

    public bool Matches(string key, IReadOnlyList<Tag> tags)
    {
        if (!key.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        foreach (var wanted in Tags)
        {
            var found = false;
            foreach (var tag in tags)
            {
                if (tag.Key == wanted.Key && tag.Value == wanted.Value)
                {
                    found = true;
                    break;
                }
            }
            if (!found) return false;
        }
        return true;
    }
}

/// <summary>
/// Where a rule sends its versions, from Destination/Bucket: <c>arn:strata:remote:NAME:BUCKET</c> is a bucket of the
/// remote target NAME (`strata admin remote add`), <c>arn:aws:s3:::BUCKET</c> a bucket on this same server.
/// </summary>
public sealed record ReplicationDestination(string Arn, string? Remote, string Bucket)
{
    public const string RemotePrefix = "arn:strata:remote:";
    public const string LocalPrefix = "arn:aws:s3:::";

    /// <summary>Parses the ARN; false when it is neither form or the bucket name is not valid.</summary>
    public static bool TryParse(string arn, out ReplicationDestination destination)
    {
        destination = null!;
        string? remote = null;
        string bucket;
        if (arn.StartsWith(RemotePrefix, StringComparison.Ordinal))
        {
            var rest = arn[RemotePrefix.Length..];
            var colon = rest.IndexOf(':');
            if (colon <= 0) return false;
            remote = rest[..colon];
            bucket = rest[(colon + 1)..];
            if (!RemoteName.IsValid(remote)) return false;
        }
        else if (arn.StartsWith(LocalPrefix, StringComparison.Ordinal))
        {
            bucket = arn[LocalPrefix.Length..];
        }
        else
        {
            return false;
        }
        if (!BucketName.TryParse(bucket, out _)) return false;
        destination = new ReplicationDestination(arn, remote, bucket);
        return true;
    }
}

/// <summary>A remote target's name: 1 to 64 of A-Z a-z 0-9 _ . - (it appears in ARNs, so no ':').</summary>
public static class RemoteName
{
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > 64) return false;
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-')) return false;
        }
        return true;
    }
}

/// <summary>One replication rule as S3 has it; a rule with Status Disabled is kept and shown but never applied.</summary>
public sealed record ReplicationRule
{
    public required string Id { get; init; }

    /// <summary>Priority as sent (null when absent): among matching rules the highest wins.</summary>
    public int? Priority { get; init; }

    public required bool Enabled { get; init; }
    public ReplicationFilter Filter { get; init; } = ReplicationFilter.Everything;

    /// <summary>DeleteMarkerReplication/Status as sent; null when the element was absent (the legacy Prefix form).</summary>
    public bool? DeleteMarkerReplication { get; init; }

    public required ReplicationDestination Destination { get; init; }

    /// <summary>S3: the first schema (a rule-level Prefix) replicates delete markers; with a Filter only when DeleteMarkerReplication is Enabled.</summary>
    public bool ReplicatesDeleteMarkers => DeleteMarkerReplication ?? Filter.Form == ReplicationFilterForm.LegacyPrefix;
}

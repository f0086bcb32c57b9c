using Microsoft.AspNetCore.Http;
using Strata.Core;

namespace Strata.Server.Routing;

/// <summary>
/// Bucket configurations Strata cannot set yet. Reading one answers what S3 answers for a bucket that has
/// none (clients such as s3cmd's `info` ask and carry on); setting one stays 501 NotImplemented.
/// </summary>
internal static class UnsetConfiguration
{
    public sealed record Entry(string Subresource, string Action, StrataError Error);

    internal static readonly Entry[] Entries =
    [
        new("website", "s3:GetBucketWebsite", StrataError.NoSuchWebsiteConfiguration),
    ];

    public static Entry? Find(IQueryCollection query)
    {
        foreach (var entry in Entries)
        {
            if (query.ContainsKey(entry.Subresource)) return entry;
        }
        return null;
    }
}

using Strata.Core;
using Strata.Server.Hosting;

namespace Strata.Server.Operations;

/// <summary>Reading a bucket configuration Strata cannot set: S3's answer for a bucket that has none.</summary>
internal static class UnsetConfigurations
{
    public static Task GetAsync(S3Context ctx)
    {
        ctx.Engine.GetBucket(ctx.S3.RequireBucket()); // NoSuchBucket first, as S3
        throw S3Fail.Exception(Routing.UnsetConfiguration.Find(ctx.S3.Query)!.Error);
    }
}

using Strata.Core.Lifecycle;
using Strata.Engine;
using Strata.Engine.Buckets;
using Strata.Server.Xml;

namespace Strata.Server.Hosting;

/// <summary>
/// Each bucket's lifecycle configuration, parsed, for the x-amz-expiration header of object reads and writes (null when
/// it has none). Put and DeleteBucketLifecycle and DeleteBucket forget it once committed.
/// </summary>
internal sealed class LifecycleRules(StorageEngine engine)
    : BucketConfigCache<LifecycleConfiguration?>(engine, BucketConfigKind.Lifecycle, LifecycleConfigurationReader.Read, absent: null);

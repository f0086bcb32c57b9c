namespace Strata.Server.Tests;

/// <summary>
/// Lifecycle never removes a version under Object Lock: a retained version stays until its date passes, one on legal
/// hold stays whatever its age, while an unlocked noncurrent version of the same key goes at the first run.
/// </summary>
public sealed class LifecycleAndObjectLock(StrataServer server) : IClassFixture<StrataServer>
{
    private async Task<long> RunInAsync(string bucket, double days)
    {
        server.Time.Advance(TimeSpan.FromDays(days));
        try
        {
            return Assert.Single(await server.Host.RunLifecycleAsync(bucket)).Removed;
        }
        finally
        {
            server.Time.Advance(TimeSpan.FromDays(-days));
        }
    }

    [Fact]
    public async Task Noncurrent_expiration_skips_retained_and_held_versions_until_their_lock_ends()
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName("locked-lifecycle");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        var now = server.Time.GetUtcNow().UtcDateTime;
        var until = new DateTime(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, DateTimeKind.Utc).AddDays(10);

        var plain = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "ledger.csv", ContentBody = "v0" })).VersionId;
        var retained = (await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "ledger.csv", ContentBody = "v1", ObjectLockMode = ObjectLockMode.Governance, ObjectLockRetainUntilDate = until,
        })).VersionId;
        var held = (await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "ledger.csv", ContentBody = "v2", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        })).VersionId;
        var current = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "ledger.csv", ContentBody = "v3" })).VersionId;
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "old", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "" },
                        NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 },
                    },
                ],
            },
        });

        Assert.Equal(1, await RunInAsync(bucket, 5)); // only the unlocked version
        Assert.Equal([current, held, retained], await VersionIdsAsync(s3, bucket));
        Assert.Equal(1, await RunInAsync(bucket, 20)); // the retention has passed; the legal hold has no date
        Assert.Equal([current, held], await VersionIdsAsync(s3, bucket));
        Assert.DoesNotContain(plain, await VersionIdsAsync(s3, bucket));
    }

    private static async Task<List<string>> VersionIdsAsync(IAmazonS3 s3, string bucket) =>
        (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions.Select(v => v.VersionId).ToList();
}

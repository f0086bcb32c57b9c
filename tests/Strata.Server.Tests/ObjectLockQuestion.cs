namespace Strata.Server.Tests;

/// <summary>The engine's question for lifecycle, "is this version locked now?", answers as the S3 requests enforce.</summary>
public sealed class ObjectLockQuestion(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task A_version_is_locked_while_held_or_retained_and_not_after_its_date()
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName("question");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        var now = server.Time.GetUtcNow().UtcDateTime;
        var plain = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "plain", ContentBody = "x" })).VersionId;
        var held = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "held", ContentBody = "x", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On })).VersionId;
        var retained = (await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "retained", ContentBody = "x", ObjectLockMode = ObjectLockMode.Compliance, ObjectLockRetainUntilDate = now.AddMinutes(1),
        })).VersionId;
        var engine = server.Host.StorageEngine;
        bool Locked(string key, string version) => engine.IsVersionLocked(Core.BucketName.Parse(bucket), Core.ObjectKey.Parse(key), Core.VersionId.Parse(version));

        Assert.Equal((false, true, true), (Locked("plain", plain), Locked("held", held), Locked("retained", retained)));
        server.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal((false, true, false), (Locked("plain", plain), Locked("held", held), Locked("retained", retained)));
        await s3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest { BucketName = bucket, Key = "held", LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off } });
        Assert.False(Locked("held", held));
        // And what the question says is what a permanent delete finds.
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "retained", VersionId = retained });
        Assert.False(Locked("retained", retained));
    }
}

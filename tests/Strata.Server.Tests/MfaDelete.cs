using System.Net;

namespace Strata.Server.Tests;

/// <summary>MFA Delete as the S3 user guide describes it, over HTTPS, with codes computed from the device's secret.</summary>
public sealed class MfaDelete(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{


    private Task<MfaCodes> FreshCodeAsync() => server.FreshMfaCodeAsync();

    private async Task<string> MfaBucketAsync()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket,
            VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
            MfaCodes = await FreshCodeAsync(),
        });
        return bucket;
    }

    [Fact]
    public async Task Enabling_MFA_Delete_needs_a_code_and_is_reported_by_GetBucketVersioning()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var without = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
        }));
        Assert.Equal("AccessDenied", without.ErrorCode);
        Assert.NotEqual(true, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.EnableMfaDelete);

        Assert.StartsWith("otpauth://totp/", (await server.MfaDeviceAsync()).Uri);
        var mfaBucket = await MfaBucketAsync();
        var status = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = mfaBucket });
        Assert.Equal(true, status.VersioningConfig.EnableMfaDelete);
        Assert.Equal(VersionStatus.Enabled, status.VersioningConfig.Status);
    }

    [Fact]
    public async Task Destroying_a_version_needs_a_fresh_valid_code_and_plain_deletes_need_none()
    {
        using var s3 = server.CreateClient();
        var bucket = await MfaBucketAsync();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
        var v2 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });
        var marker = await s3.DeleteObjectAsync(bucket, "k"); // a plain delete only adds a marker: no code needed
        Assert.Equal("true", marker.DeleteMarker);

        var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId }));
        Assert.Equal("AccessDenied", missing.ErrorCode);
        var serial = (await server.MfaDeviceAsync()).Serial;
        var wrong = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = new MfaCodes { SerialNumber = serial, AuthenticationValue = "000000" },
        }));
        Assert.Equal("AccessDenied", wrong.ErrorCode);
        var markerRemoval = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = marker.VersionId }));
        Assert.Equal("AccessDenied", markerRemoval.ErrorCode);
        Assert.Equal(3, (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!.Count);

        var code = await FreshCodeAsync();
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = code });
        var replay = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v2.VersionId, MfaCodes = code }));
        Assert.Equal("AccessDenied", replay.ErrorCode);
        var left = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!;
        Assert.Equal([marker.VersionId, v2.VersionId], left.Select(v => v.VersionId));
    }

    [Fact]
    public async Task DeleteObjects_with_version_ids_fails_whole_without_a_code()
    {
        using var s3 = server.CreateClient();
        var bucket = await MfaBucketAsync();
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a", ContentBody = "x" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "b", ContentBody = "x" });
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Objects = [new KeyVersion { Key = "a", VersionId = v1.VersionId }, new KeyVersion { Key = "b" }],
        }));
        Assert.Equal("AccessDenied", error.ErrorCode);
        Assert.Equal(2, (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).KeyCount);
        await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Objects = [new KeyVersion { Key = "a", VersionId = v1.VersionId }], MfaCodes = await FreshCodeAsync(),
        });
        Assert.Equal(["b"], (await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects!.Select(o => o.Key));
    }

    [Fact]
    public async Task Suspending_versioning_on_an_MFA_Delete_bucket_needs_a_code()
    {
        using var s3 = server.CreateClient();
        var bucket = await MfaBucketAsync();
        var suspend = new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } };
        Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.PutBucketVersioningAsync(suspend))).ErrorCode);
        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        suspend.MfaCodes = await FreshCodeAsync();
        await s3.PutBucketVersioningAsync(suspend);
        Assert.Equal(VersionStatus.Suspended, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task Not_even_a_user_allowed_everything_can_destroy_a_version_with_a_code()
    {
        using var root = server.CreateClient();
        var bucket = await MfaBucketAsync();
        var v1 = await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var (id, secret) = await server.CreateUserAsync("power-" + Guid.NewGuid().ToString("N")[..8],
            """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}""");
        using var user = server.CreateClient(id, secret);
        var serial = (await server.MfaDeviceAsync()).Serial;
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = new MfaCodes { SerialNumber = serial, AuthenticationValue = "123456" },
        }));
        Assert.Equal("AccessDenied", error.ErrorCode);
        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => user.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v1.VersionId }));
        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal("x", await Buckets.ReadAsync(root, bucket, "k", v1.VersionId));
    }
}

/// <summary>x-amz-mfa over plain HTTP is refused, as S3 requires HTTPS for it.</summary>
public sealed class MfaOverHttp(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task An_mfa_header_over_plain_HTTP_is_refused_and_changes_nothing()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest
        {
            BucketName = bucket, Key = "k", VersionId = v1.VersionId, MfaCodes = new MfaCodes { SerialNumber = "arn:aws:iam::000000000000:mfa/root-account-mfa-device", AuthenticationValue = "123456" },
        }));
        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Equal("x", await Buckets.ReadAsync(s3, bucket, "k", v1.VersionId));
    }
}

/// <summary>A code used before a restart stays used after it: the step it authorized is stored with the device.</summary>
public sealed class MfaReplayAcrossRestart(StrataTlsServer server) : IClassFixture<StrataTlsServer>
{
    [Fact]
    public async Task A_code_used_before_a_restart_is_refused_after_it_and_destroys_nothing()
    {
        string bucket;
        MfaCodes used;
        PutObjectResponse kept;
        using (var s3 = server.CreateClient())
        {
            bucket = await server.CreateBucketAsync(versioning: true);
            await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
            {
                BucketName = bucket,
                VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled, EnableMfaDelete = true },
                MfaCodes = await server.FreshMfaCodeAsync(),
            });
            var first = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "one" });
            kept = await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "two" });
            used = await server.FreshMfaCodeAsync();
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = first.VersionId, MfaCodes = used });
        }

        await server.RestartAsync(); // same clock: the code is still inside its 30 s step

        using (var s3 = server.CreateClient())
        {
            var replay = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest
            {
                BucketName = bucket, Key = "k", VersionId = kept.VersionId, MfaCodes = used,
            }));
            Assert.Equal("AccessDenied", replay.ErrorCode);
            Assert.Equal([kept.VersionId], (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!.Select(v => v.VersionId));

            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = kept.VersionId, MfaCodes = await server.FreshMfaCodeAsync() });
            Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
        }
    }
}

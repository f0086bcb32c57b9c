using System.Net;

namespace Strata.Server.Tests.Replication;

/// <summary>PutBucketReplication, GetBucketReplication and DeleteBucketReplication as S3 answers them.</summary>
public sealed class ReplicationConfigurationApi(ReplicationPair pair) : IClassFixture<ReplicationPair>
{
    [Fact]
    public async Task GetBucketReplication_of_a_bucket_without_one_is_ReplicationConfigurationNotFoundError()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        using var signed = pair.Source.CreateSigned();
        using var response = await signed.SendAsync(HttpMethod.Get, "/" + bucket, "replication");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("<Code>ReplicationConfigurationNotFoundError</Code>", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_configuration_reads_back_as_it_was_set_and_is_removed_by_delete()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        using var s3 = pair.Source.CreateClient();
        await s3.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = bucket,
            Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:target-bucket", prefix: "media/", deleteMarkers: false, id: "media-offsite"),
        });

        var read = (await s3.GetBucketReplicationAsync(new GetBucketReplicationRequest { BucketName = bucket })).Configuration;
        var rule = Assert.Single(read.Rules);
        Assert.Equal("media-offsite", rule.Id);
        Assert.Equal(1, rule.Priority);
        Assert.Equal("media/", rule.Filter.Prefix);
        Assert.Equal(DeleteMarkerReplicationStatus.Disabled, rule.DeleteMarkerReplication.Status);
        Assert.Equal("arn:strata:remote:dst:target-bucket", rule.Destination.BucketArn);
        Assert.Equal(ReplicationRuleStatus.Enabled, rule.Status);
        Assert.Equal("arn:aws:iam::000000000000:role/ignored", read.Role);

        await s3.DeleteBucketReplicationAsync(new DeleteBucketReplicationRequest { BucketName = bucket });
        using var signed = pair.Source.CreateSigned();
        using var gone = await signed.SendAsync(HttpMethod.Get, "/" + bucket, "replication");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains("<Code>ReplicationConfigurationNotFoundError</Code>", await gone.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_unversioned_source_is_refused_with_InvalidRequest()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: false);
        using var s3 = pair.Source.CreateClient();
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = bucket,
            Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:target-bucket"),
        }));
        Assert.Equal("InvalidRequest", error.ErrorCode);
        Assert.Contains("Versioning must be 'Enabled'", error.Message);
    }

    [Fact]
    public async Task Suspending_versioning_under_a_replication_configuration_is_InvalidBucketState_until_it_is_deleted()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        using var s3 = pair.Source.CreateClient();
        await s3.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = bucket, Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:target-bucket") });
        var suspend = new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } };

        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketVersioningAsync(suspend));
        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal("InvalidBucketState", error.ErrorCode);
        Assert.Contains("replication configuration is present", error.Message);
        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status);

        await s3.DeleteBucketReplicationAsync(new DeleteBucketReplicationRequest { BucketName = bucket });
        await s3.PutBucketVersioningAsync(suspend);
        Assert.Equal(VersionStatus.Suspended, (await s3.GetBucketVersioningAsync(bucket)).VersioningConfig.Status);
    }

    [Fact]
    public async Task An_unknown_remote_and_a_missing_local_bucket_are_refused()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        using var s3 = pair.Source.CreateClient();
        var remote = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = bucket,
            Configuration = ReplicationPair.Configuration("arn:strata:remote:nowhere:target-bucket"),
        }));
        var local = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = bucket,
            Configuration = ReplicationPair.Configuration("arn:aws:s3:::no-such-bucket-here"),
        }));

        Assert.Equal("InvalidArgument", remote.ErrorCode);
        Assert.Equal("InvalidRequest", local.ErrorCode);
        Assert.Contains("Destination bucket must exist", local.Message);
    }

    [Fact]
    public async Task A_tag_rule_cannot_replicate_delete_markers()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        using var s3 = pair.Source.CreateClient();
        var configuration = ReplicationPair.Configuration("arn:strata:remote:dst:target-bucket");
        configuration.Rules[0].Filter = new ReplicationRuleFilter { Tag = new Tag { Key = "replicate", Value = "yes" } };
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = bucket, Configuration = configuration }));
        Assert.Equal("InvalidRequest", error.ErrorCode);
    }

    [Fact]
    public async Task Replication_to_a_bucket_of_the_same_server_arrives_as_REPLICA()
    {
        var source = await pair.Source.CreateBucketAsync(versioning: true, stem: "local-src");
        var target = await pair.Source.CreateBucketAsync(versioning: true, stem: "local-dst");
        using var s3 = pair.Source.CreateClient();
        await s3.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = source, Configuration = ReplicationPair.Configuration("arn:aws:s3:::" + target) });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = "a.txt", ContentBody = "same server" });

        await ReplicationPair.EventuallyAsync(async () => (await ReplicationPair.VersionsAsync(s3, target)).Count == 1, "a.txt in the local target");
        var copy = await s3.GetObjectAsync(target, "a.txt");
        Assert.Equal("REPLICA", copy.ReplicationStatus?.Value);
        Assert.Equal("same server", await new StreamReader(copy.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task A_remotes_secret_is_never_answered_and_check_reports_the_targets_versioning()
    {
        var versioned = await pair.Destination.CreateBucketAsync(versioning: true);
        var plain = await pair.Destination.CreateBucketAsync(versioning: false);
        using var admin = pair.Source.CreateSigned();
        using var list = await admin.SendAsync(HttpMethod.Get, "/_strata/admin/remotes");
        var listed = await list.Content.ReadAsStringAsync();
        using var good = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/remotes/dst/check", $"bucket={versioned}");
        using var warned = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/remotes/dst/check", $"bucket={plain}");
        using var missing = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/remotes/dst/check", "bucket=no-such-bucket-here");

        Assert.Contains("\"dst\"", listed);
        Assert.DoesNotContain(StrataServer.SecretKey, listed);
        var goodText = await good.Content.ReadAsStringAsync();
        Assert.Contains("\"versioning\": \"Enabled\"", goodText);
        Assert.DoesNotContain("warning", goodText);
        Assert.Contains("\"warning\"", await warned.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("NoSuchBucket", await missing.Content.ReadAsStringAsync());
        using var s3 = pair.Destination.CreateClient();
        Assert.Empty(await ReplicationPair.VersionsAsync(s3, versioned)); // the probe left nothing behind
    }
    [Fact]
    public async Task A_user_needs_s3_PutReplicationConfiguration_to_set_and_s3_GetReplicationConfiguration_to_read()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        using (var root = pair.Source.CreateClient())
        {
            await root.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = bucket, Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:target-bucket") });
        }
        var policy = $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetReplicationConfiguration","Resource":"arn:aws:s3:::{{bucket}}"}]}
            """;
        var (id, secret) = await pair.Source.CreateUserAsync("reader-" + Guid.NewGuid().ToString("N")[..8], policy);
        using var reader = pair.Source.CreateClient(id, secret);

        var read = await reader.GetBucketReplicationAsync(new GetBucketReplicationRequest { BucketName = bucket });
        var put = await Assert.ThrowsAsync<AmazonS3Exception>(() => reader.PutBucketReplicationAsync(new PutBucketReplicationRequest
        {
            BucketName = bucket,
            Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:other-bucket"),
        }));
        var delete = await Assert.ThrowsAsync<AmazonS3Exception>(() => reader.DeleteBucketReplicationAsync(new DeleteBucketReplicationRequest { BucketName = bucket }));

        Assert.Equal("all", Assert.Single(read.Configuration.Rules).Id);
        Assert.Equal("AccessDenied", put.ErrorCode);
        Assert.Equal("AccessDenied", delete.ErrorCode);
    }

    [Fact]
    public async Task A_marker_added_by_lifecycle_expiration_is_not_queued()
    {
        var bucket = await pair.Source.CreateBucketAsync(versioning: true);
        var target = await pair.Destination.CreateBucketAsync(versioning: true);
        using var s3 = pair.Source.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tmp/a", ContentBody = "a" });
        await s3.PutBucketReplicationAsync(new PutBucketReplicationRequest { BucketName = bucket, Configuration = ReplicationPair.Configuration("arn:strata:remote:dst:" + target) });
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration
            {
                Rules =
                [
                    new LifecycleRule
                    {
                        Id = "expire", Status = LifecycleRuleStatus.Enabled, Filter = new LifecycleFilter { Prefix = "tmp/" },
                        Expiration = new LifecycleRuleExpiration { Date = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc) },
                    },
                ],
            },
        });

        await pair.Source.Host.RunLifecycleAsync(bucket);
        using var status = await pair.StatusAsync(bucket);

        Assert.True((await ReplicationPair.VersionsAsync(s3, bucket)).Single(v => v.IsLatest == true).IsDeleteMarker);
        Assert.Equal(0, status.RootElement.GetProperty("backlogVersions").GetInt64());
        Assert.Equal(0, status.RootElement.GetProperty("sentVersions").GetInt64());
    }
}

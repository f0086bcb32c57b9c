using System.Net;

namespace Strata.Server.Tests;

/// <summary>
/// S3 Object Lock with AWSSDK.S3: write-once retention and legal holds. The server's clock (<see cref="StrataServer.Time"/>)
/// is moved forward to pass a retain-until date; dates are minutes ahead, so the SDK's signatures stay within SigV4's
/// allowed skew of the moved clock.
/// </summary>
public sealed class ObjectLock(StrataServer server) : IClassFixture<StrataServer>
{
    private async Task<string> LockedBucketAsync(ObjectLockRule? rule = null)
    {
        using var s3 = server.CreateClient();
        var bucket = StrataServer.UniqueBucketName("locked");
        await s3.PutBucketAsync(new PutBucketRequest { BucketName = bucket, ObjectLockEnabledForBucket = true });
        if (rule is not null)
        {
            await s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
            {
                BucketName = bucket,
                ObjectLockConfiguration = new ObjectLockConfiguration { ObjectLockEnabled = ObjectLockEnabled.Enabled, Rule = rule },
            });
        }
        return bucket;
    }

    /// <summary>A whole second of the server's clock from now: S3 keeps retain-until dates to the millisecond.</summary>
    private DateTime ServerTimePlus(TimeSpan span)
    {
        var t = server.Time.GetUtcNow().Add(span).UtcDateTime;
        return new DateTime(t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, DateTimeKind.Utc);
    }

    private static async Task<string> PutLockedAsync(IAmazonS3 s3, string bucket, string key, ObjectLockMode mode, DateTime until)
    {
        var put = await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = key, ContentBody = "ledger", ObjectLockMode = mode, ObjectLockRetainUntilDate = until,
        });
        return put.VersionId;
    }

    private static async Task<string> RefusedAsync(Func<Task> request)
    {
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(request);
        return $"{(int)error.StatusCode} {error.ErrorCode}";
    }

    [Fact]
    public async Task A_bucket_created_with_Object_Lock_is_versioned_and_cannot_be_suspended()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();

        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
        var configuration = (await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration;
        Assert.Equal(ObjectLockEnabled.Enabled, configuration.ObjectLockEnabled);
        Assert.Null(configuration.Rule?.DefaultRetention);
        Assert.Equal("409 InvalidBucketState", await RefusedAsync(() => s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        })));
        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task Object_Lock_is_enabled_on_an_existing_bucket_only_once_versioning_is_Enabled()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var request = new PutObjectLockConfigurationRequest
        {
            BucketName = bucket,
            ObjectLockConfiguration = new ObjectLockConfiguration
            {
                ObjectLockEnabled = ObjectLockEnabled.Enabled,
                Rule = new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Compliance, Years = 1 } },
            },
        };
        Assert.Equal("404 ObjectLockConfigurationNotFoundError", await RefusedAsync(() => s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })));
        Assert.Equal("409 InvalidBucketState", await RefusedAsync(() => s3.PutObjectLockConfigurationAsync(request)));
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } });
        Assert.Equal("409 InvalidBucketState", await RefusedAsync(() => s3.PutObjectLockConfigurationAsync(request)));

        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        await s3.PutObjectLockConfigurationAsync(request);
        var rule = (await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule.DefaultRetention;
        Assert.Equal(ObjectLockRetentionMode.Compliance, rule.Mode);
        Assert.Equal(1, rule.Years);
        Assert.Null(rule.Days);
    }

    [Theory]
    [InlineData("<Mode>GOVERNANCE</Mode><Days>1</Days><Years>1</Years>", "400 MalformedXML")]
    [InlineData("<Mode>GOVERNANCE</Mode>", "400 MalformedXML")]
    [InlineData("<Mode>GOVERNANCE</Mode><Days>0</Days>", "400 InvalidRetentionPeriod")]
    [InlineData("<Mode>GOVERNANCE</Mode><Years>-1</Years>", "400 InvalidRetentionPeriod")]
    [InlineData("<Mode>GOVERNANCE</Mode><Days>one</Days>", "400 MalformedXML")]
    [InlineData("<Mode>governance</Mode><Days>1</Days>", "400 MalformedXML")] // S3's modes are upper case
    [InlineData("<Mode>abc</Mode><Years>1</Years>", "400 MalformedXML")]
    [InlineData("<Mode>GOVERNANCE</Mode><Days>1</Days><Hours>1</Hours>", "400 MalformedXML")]
    public async Task A_default_retention_S3_would_refuse_is_refused_and_changes_nothing(string retention, string answer)
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync(new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Governance, Days = 2 } });
        var body = $"<ObjectLockConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>{retention}</DefaultRetention></Rule></ObjectLockConfiguration>";
        using var signed = server.CreateSigned();
        var response = await signed.SendAsync(HttpMethod.Put, "/" + bucket, "object-lock", body, new Dictionary<string, string>
        {
            ["x-amz-checksum-sha256"] = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(body))),
        });
        var code = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync()).Root?.Element("Code")?.Value;
        Assert.Equal(answer, $"{(int)response.StatusCode} {code}");
        var kept = (await s3.GetObjectLockConfigurationAsync(new GetObjectLockConfigurationRequest { BucketName = bucket })).ObjectLockConfiguration.Rule.DefaultRetention;
        Assert.Equal(2, kept.Days);
    }

    [Fact]
    public async Task Turning_Object_Lock_off_is_refused()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        Assert.Equal("400 MalformedXML", await RefusedAsync(() => s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
        {
            BucketName = bucket, ObjectLockConfiguration = new ObjectLockConfiguration { ObjectLockEnabled = new ObjectLockEnabled("Disabled") },
        })));
    }

    [Fact]
    public async Task Retention_refuses_permanent_deletes_until_its_date_passes_while_plain_deletes_add_a_marker()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var until = ServerTimePlus(TimeSpan.FromMinutes(1));
        var v1 = await PutLockedAsync(s3, bucket, "ledger.csv", ObjectLockMode.Governance, until);

        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "ledger.csv", VersionId = v1 })));
        var marker = await s3.DeleteObjectAsync(bucket, "ledger.csv");
        Assert.Equal("true", marker.DeleteMarker);
        // Deleting the marker is no delete of the locked version: it brings the object back.
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "ledger.csv", VersionId = marker.VersionId });
        Assert.Equal(v1, (await s3.GetObjectMetadataAsync(bucket, "ledger.csv")).VersionId);
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "ledger.csv", VersionId = v1 })));

        server.Time.Advance(TimeSpan.FromMinutes(2));
        var deleted = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "ledger.csv", VersionId = v1 });
        Assert.Equal(HttpStatusCode.NoContent, deleted.HttpStatusCode);
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Empty(versions.Versions ?? []);
    }

    [Fact]
    public async Task Governance_yields_only_to_the_bypass_header_from_a_caller_allowed_to_bypass()
    {
        using var root = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var until = ServerTimePlus(TimeSpan.FromDays(1));
        var userPolicy = $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject","s3:DeleteObjectVersion","s3:PutObjectRetention","s3:GetObjectRetention"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """;
        var (plainId, plainSecret) = await server.CreateUserAsync("plain-" + Guid.NewGuid().ToString("N")[..8], userPolicy);
        var bypassPolicy = userPolicy.Replace("\"s3:GetObjectRetention\"", "\"s3:GetObjectRetention\",\"s3:BypassGovernanceRetention\"", StringComparison.Ordinal);
        var (bypassId, bypassSecret) = await server.CreateUserAsync("bypass-" + Guid.NewGuid().ToString("N")[..8], bypassPolicy);
        using var plain = server.CreateClient(plainId, plainSecret);
        using var bypasser = server.CreateClient(bypassId, bypassSecret);

        var a = await PutLockedAsync(root, bucket, "a", ObjectLockMode.Governance, until);
        var b = await PutLockedAsync(root, bucket, "b", ObjectLockMode.Governance, until);
        // The header without the permission, and the permission (root's) without the header, both change nothing.
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => plain.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "a", VersionId = a, BypassGovernanceRetention = true })));
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "a", VersionId = a })));
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => plain.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket, Key = "a", BypassGovernanceRetention = true,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Governance, RetainUntilDate = until.AddHours(-1) },
        })));

        // A permitted bypass may shorten a governed retention, and delete a governed version.
        await bypasser.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket, Key = "a", BypassGovernanceRetention = true,
            Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Governance, RetainUntilDate = until.AddHours(-1) },
        });
        Assert.Equal(until.AddHours(-1), (await root.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "a" })).Retention.RetainUntilDate?.ToUniversalTime());
        await bypasser.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "a", VersionId = a, BypassGovernanceRetention = true });
        await root.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "b", VersionId = b, BypassGovernanceRetention = true });
        Assert.Empty((await root.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }

    [Fact]
    public async Task A_bucket_policy_that_denies_the_bypass_holds_the_root_user_to_governance_too()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var v = await PutLockedAsync(s3, bucket, "k", ObjectLockMode.Governance, ServerTimePlus(TimeSpan.FromDays(1)));
        await s3.PutBucketPolicyAsync(bucket, $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:BypassGovernanceRetention","Resource":"arn:aws:s3:::{{bucket}}/*"}]}
            """);
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v, BypassGovernanceRetention = true })));

        await s3.DeleteBucketPolicyAsync(bucket);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v, BypassGovernanceRetention = true });
        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }

    [Fact]
    public async Task Compliance_can_be_extended_but_never_shortened_removed_or_bypassed_even_by_root()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var until = ServerTimePlus(TimeSpan.FromDays(1));
        var v = await PutLockedAsync(s3, bucket, "audit.log", ObjectLockMode.Compliance, until);

        Task Retain(ObjectLockRetention retention) => s3.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket, Key = "audit.log", VersionId = v, Retention = retention, BypassGovernanceRetention = true,
        });
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => Retain(new ObjectLockRetention { Mode = ObjectLockRetentionMode.Compliance, RetainUntilDate = until.AddHours(-1) })));
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => Retain(new ObjectLockRetention { Mode = ObjectLockRetentionMode.Governance, RetainUntilDate = until.AddDays(1) })));
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => Retain(new ObjectLockRetention())));
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "audit.log", VersionId = v, BypassGovernanceRetention = true })));

        await Retain(new ObjectLockRetention { Mode = ObjectLockRetentionMode.Compliance, RetainUntilDate = until.AddDays(2) });
        var retention = (await s3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "audit.log", VersionId = v })).Retention;
        Assert.Equal(ObjectLockRetentionMode.Compliance, retention.Mode);
        Assert.Equal(until.AddDays(2), retention.RetainUntilDate?.ToUniversalTime());
    }

    [Fact]
    public async Task A_legal_hold_refuses_permanent_deletes_until_it_is_turned_off()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var v = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "evidence", ContentBody = "x" })).VersionId;
        Assert.Equal("404 NoSuchObjectLockConfiguration", await RefusedAsync(() => s3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "evidence" })));
        Assert.Equal("404 NoSuchObjectLockConfiguration", await RefusedAsync(() => s3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "evidence" })));

        await s3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest { BucketName = bucket, Key = "evidence", LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On } });
        Assert.Equal(ObjectLockLegalHoldStatus.On, (await s3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "evidence" })).LegalHold.Status);
        Assert.Equal(ObjectLockLegalHoldStatus.On, (await s3.GetObjectMetadataAsync(bucket, "evidence")).ObjectLockLegalHoldStatus);
        // No retention and no date: a bypass does not lift a hold.
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "evidence", VersionId = v, BypassGovernanceRetention = true })));
        server.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "evidence", VersionId = v })));

        await s3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest { BucketName = bucket, Key = "evidence", VersionId = v, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.Off } });
        Assert.Equal(ObjectLockLegalHoldStatus.Off, (await s3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "evidence", VersionId = v })).LegalHold.Status);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "evidence", VersionId = v });
        Assert.Equal("404 NoSuchKey", await RefusedAsync(() => s3.GetObjectAsync(bucket, "evidence")));
    }

    [Fact]
    public async Task DeleteObjects_refuses_the_locked_version_in_its_result_and_deletes_the_others()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var locked = await PutLockedAsync(s3, bucket, "locked", ObjectLockMode.Governance, ServerTimePlus(TimeSpan.FromDays(1)));
        var free = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "free", ContentBody = "x" })).VersionId;

        var error = await Assert.ThrowsAsync<DeleteObjectsException>(() => s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, Objects = [new KeyVersion { Key = "locked", VersionId = locked }, new KeyVersion { Key = "free", VersionId = free }],
        }));
        var refused = Assert.Single(error.Response.DeleteErrors);
        Assert.Equal(("locked", locked, "AccessDenied"), (refused.Key, refused.VersionId, refused.Code));
        Assert.Equal(("free", free), (Assert.Single(error.Response.DeletedObjects).Key, error.Response.DeletedObjects[0].VersionId));

        var bypassed = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket, BypassGovernanceRetention = true, Objects = [new KeyVersion { Key = "locked", VersionId = locked }],
        });
        Assert.Equal(locked, Assert.Single(bypassed.DeletedObjects).VersionId);
        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
    }

    [Fact]
    public async Task Lock_headers_of_put_copy_and_multipart_upload_are_kept_and_returned_by_HEAD_and_GET()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var until = ServerTimePlus(TimeSpan.FromDays(3));
        await s3.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "put", ContentBody = "x",
            ObjectLockMode = ObjectLockMode.Governance, ObjectLockRetainUntilDate = until, ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        });
        await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "put", DestinationBucket = bucket, DestinationKey = "copy",
            ObjectLockMode = ObjectLockMode.Compliance, ObjectLockRetainUntilDate = until,
        });
        var upload = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket, Key = "multi", ObjectLockMode = ObjectLockMode.Governance, ObjectLockRetainUntilDate = until, ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.Off,
        });
        var part = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "multi", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream("abc"u8.ToArray()) });
        var completed = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "multi", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)] });

        var put = await s3.GetObjectMetadataAsync(bucket, "put");
        Assert.Equal((ObjectLockMode.Governance, until, ObjectLockLegalHoldStatus.On), (put.ObjectLockMode, put.ObjectLockRetainUntilDate?.ToUniversalTime(), put.ObjectLockLegalHoldStatus));
        using (var get = await s3.GetObjectAsync(bucket, "copy"))
        {
            // The copy has the lock its request asked for, not the source's legal hold.
            Assert.Equal((ObjectLockMode.Compliance, until), (get.ObjectLockMode, get.ObjectLockRetainUntilDate?.ToUniversalTime()));
            Assert.Null(get.ObjectLockLegalHoldStatus);
        }
        var multi = await s3.GetObjectMetadataAsync(bucket, "multi");
        Assert.Equal((ObjectLockMode.Governance, until, ObjectLockLegalHoldStatus.Off), (multi.ObjectLockMode, multi.ObjectLockRetainUntilDate?.ToUniversalTime(), multi.ObjectLockLegalHoldStatus));
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "multi", VersionId = completed.VersionId })));
    }

    [Fact]
    public async Task The_default_retention_protects_each_new_version_from_its_upload_time()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync(new ObjectLockRule { DefaultRetention = new DefaultRetention { Mode = ObjectLockRetentionMode.Governance, Days = 1 } });
        var v = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "report", ContentBody = "x" })).VersionId;

        var head = await s3.GetObjectMetadataAsync(bucket, "report");
        Assert.Equal(ObjectLockMode.Governance, head.ObjectLockMode);
        var retainFor = head.ObjectLockRetainUntilDate!.Value.ToUniversalTime() - head.LastModified!.Value.ToUniversalTime();
        Assert.InRange(retainFor, TimeSpan.FromDays(1), TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1)); // Last-Modified is to the second
        Assert.Equal("403 AccessDenied", await RefusedAsync(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "report", VersionId = v })));

        // A version's own retention overrides the default.
        var own = ServerTimePlus(TimeSpan.FromDays(10));
        await PutLockedAsync(s3, bucket, "report", ObjectLockMode.Compliance, own);
        var latest = await s3.GetObjectMetadataAsync(bucket, "report");
        Assert.Equal((ObjectLockMode.Compliance, own), (latest.ObjectLockMode, latest.ObjectLockRetainUntilDate?.ToUniversalTime()));
    }

    [Fact]
    public async Task Lock_headers_S3_would_refuse_store_nothing()
    {
        using var s3 = server.CreateClient();
        var bucket = await LockedBucketAsync();
        var plainBucket = await server.CreateBucketAsync(versioning: true);
        var future = ServerTimePlus(TimeSpan.FromDays(1));

        Assert.Equal("400 InvalidRequest", await RefusedAsync(() => PutLockedAsync(s3, plainBucket, "k", ObjectLockMode.Governance, future)));
        Assert.Equal("400 InvalidArgument", await RefusedAsync(() => PutLockedAsync(s3, bucket, "k", ObjectLockMode.Governance, ServerTimePlus(TimeSpan.FromMinutes(-1)))));
        Assert.Equal("400 InvalidArgument", await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", ObjectLockMode = ObjectLockMode.Governance })));
        Assert.Equal("400 InvalidArgument", await RefusedAsync(() => s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x", ObjectLockLegalHoldStatus = new ObjectLockLegalHoldStatus("MAYBE") })));
        Assert.Equal("400 InvalidRequest", await RefusedAsync(() => s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = plainBucket, Key = "k", ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        })));

        // S3 needs an integrity check of a body that sets a lock: Content-MD5 or an x-amz-checksum-* value.
        using var signed = server.CreateSigned();
        var bare = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/k", body: "x", headers: new Dictionary<string, string>
        {
            ["x-amz-object-lock-mode"] = "GOVERNANCE", ["x-amz-object-lock-retain-until-date"] = future.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
        });
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Contains("<Code>InvalidRequest</Code>", await bare.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions ?? []);
        Assert.Empty((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = plainBucket })).Versions ?? []);
    }

    [Fact]
    public async Task Retention_and_legal_hold_requests_on_a_bucket_without_Object_Lock_are_invalid()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "k", ContentBody = "x" });

        Assert.Equal("400 InvalidRequest", await RefusedAsync(() => s3.GetObjectRetentionAsync(new GetObjectRetentionRequest { BucketName = bucket, Key = "k" })));
        Assert.Equal("400 InvalidRequest", await RefusedAsync(() => s3.GetObjectLegalHoldAsync(new GetObjectLegalHoldRequest { BucketName = bucket, Key = "k" })));
        Assert.Equal("400 InvalidRequest", await RefusedAsync(() => s3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
        {
            BucketName = bucket, Key = "k", LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On },
        })));
        Assert.Equal("400 InvalidRequest", await RefusedAsync(() => s3.PutObjectRetentionAsync(new PutObjectRetentionRequest
        {
            BucketName = bucket, Key = "k", Retention = new ObjectLockRetention { Mode = ObjectLockRetentionMode.Governance, RetainUntilDate = ServerTimePlus(TimeSpan.FromDays(1)) },
        })));
        Assert.Null((await s3.GetObjectMetadataAsync(bucket, "k")).ObjectLockMode);
    }

    [Fact]
    public async Task Lock_headers_are_shown_only_to_callers_allowed_to_read_them()
    {
        using var root = server.CreateClient();
        var bucket = await LockedBucketAsync();
        await root.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "x",
            ObjectLockMode = ObjectLockMode.Governance, ObjectLockRetainUntilDate = ServerTimePlus(TimeSpan.FromDays(1)), ObjectLockLegalHoldStatus = ObjectLockLegalHoldStatus.On,
        });
        var (id, secret) = await server.CreateUserAsync("reader-" + Guid.NewGuid().ToString("N")[..8],
            $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectLegalHold"],"Resource":"arn:aws:s3:::{{bucket}}/*"}]}""");
        using var reader = server.CreateClient(id, secret);

        var head = await reader.GetObjectMetadataAsync(bucket, "k");
        Assert.Null(head.ObjectLockMode);
        Assert.Null(head.ObjectLockRetainUntilDate);
        Assert.Equal(ObjectLockLegalHoldStatus.On, head.ObjectLockLegalHoldStatus);
    }
}

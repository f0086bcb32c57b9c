using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using S3LifecycleRule = Amazon.S3.Model.LifecycleRule;

namespace Strata.Server.Tests;

/// <summary>
/// Lifecycle configurations through AWSSDK.S3, and lifecycle runs with the server's clock moved forward: the version
/// listing before and after shows exactly the versions the rules name gone.
/// </summary>
public sealed class Lifecycle(StrataServer server) : IClassFixture<StrataServer>
{
    private static S3LifecycleRule Rule(string id, string prefix) => new()
    {
        Id = id,
        Status = LifecycleRuleStatus.Enabled,
        Filter = new LifecycleFilter { Prefix = prefix },
    };

    private async Task PutRulesAsync(string bucket, params S3LifecycleRule[] rules)
    {
        using var s3 = server.CreateClient();
        await s3.PutLifecycleConfigurationAsync(new PutLifecycleConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new LifecycleConfiguration { Rules = [.. rules] },
        });
    }

    private async Task<List<string>> VersionsAsync(string bucket)
    {
        using var s3 = server.CreateClient();
        var listing = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        return (listing.Versions ?? []).Select(v => $"{v.Key} {v.VersionId}{(v.IsDeleteMarker == true ? " marker" : "")}").ToList();
    }

    /// <summary>Runs the rules as the clock would read <paramref name="days"/> days from now, then puts the clock back (SigV4 allows 15 minutes of skew).</summary>
    private async Task<LifecyclePassReportView> RunInAsync(string bucket, double days)
    {
        server.Time.Advance(TimeSpan.FromDays(days));
        try
        {
            var reports = await server.Host.RunLifecycleAsync(bucket);
            var r = Assert.Single(reports);
            return new(r.Examined, r.Removed, r.MarkersAdded, r.UploadsAborted, r.BytesFreed);
        }
        finally
        {
            server.Time.Advance(TimeSpan.FromDays(-days));
        }
    }

    private sealed record LifecyclePassReportView(long Examined, long Removed, long MarkersAdded, long UploadsAborted, long BytesFreed);

    /// <summary>GetBucketLifecycleConfiguration's answer for a bucket without rules, read raw: AWSSDK.S3 turns S3's 404 into an empty configuration.</summary>
    private async Task AssertNoConfigurationAsync(string bucket)
    {
        using var signed = server.CreateSigned();
        var get = await signed.SendAsync(HttpMethod.Get, "/" + bucket, "lifecycle");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("NoSuchLifecycleConfiguration", XDocument.Parse(await get.Content.ReadAsStringAsync()).Root!.Element("Code")?.Value);
    }

    private static Dictionary<string, string> Checksum(string body) =>
        new() { ["x-amz-checksum-sha256"] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body))) };

    private async Task<string> PutAsync(string bucket, string key, string body)
    {
        using var s3 = server.CreateClient();
        return (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = body })).VersionId;
    }

    [Fact]
    public async Task A_configuration_reads_back_as_it_was_set_and_is_gone_after_delete()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await AssertNoConfigurationAsync(bucket);

        var noncurrent = Rule("old-versions", "logs/");
        noncurrent.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 30, NewerNoncurrentVersions = 3 };
        noncurrent.AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 7 };
        var markers = Rule("markers", "");
        markers.Expiration = new LifecycleRuleExpiration { ExpiredObjectDeleteMarker = true };
        var sized = new S3LifecycleRule
        {
            Id = "big-tmp",
            Status = LifecycleRuleStatus.Disabled,
            Filter = new LifecycleFilter { And = new LifecycleRuleAndOperator { Prefix = "tmp/", ObjectSizeGreaterThan = 1000, Tags = [new Tag { Key = "class", Value = "scratch" }] } },
            Expiration = new LifecycleRuleExpiration { Days = 2 },
        };
        await PutRulesAsync(bucket, noncurrent, markers, sized);

        var rules = (await s3.GetLifecycleConfigurationAsync(bucket)).Configuration.Rules;
        Assert.Equal(["old-versions", "markers", "big-tmp"], rules.Select(r => r.Id));
        Assert.Equal("logs/", rules[0].Filter.Prefix ?? (rules[0].Filter.LifecycleFilterPredicate as LifecyclePrefixPredicate)?.Prefix);
        Assert.Equal(30, rules[0].NoncurrentVersionExpiration.NoncurrentDays);
        Assert.Equal(3, rules[0].NoncurrentVersionExpiration.NewerNoncurrentVersions);
        Assert.Equal(7, rules[0].AbortIncompleteMultipartUpload.DaysAfterInitiation);
        Assert.True(rules[1].Expiration.ExpiredObjectDeleteMarker);
        Assert.Equal(LifecycleRuleStatus.Disabled, rules[2].Status);
        using var signed = server.CreateSigned();
        var raw = XDocument.Parse(await (await signed.SendAsync(HttpMethod.Get, "/" + bucket, "lifecycle")).Content.ReadAsStringAsync());
        XNamespace ns = "http://s3.amazonaws.com/doc/2006-03-01/";
        var and = raw.Root!.Elements(ns + "Rule").Last().Element(ns + "Filter")!.Element(ns + "And")!;
        Assert.Equal("tmp/", and.Element(ns + "Prefix")?.Value);
        Assert.Equal("1000", and.Element(ns + "ObjectSizeGreaterThan")?.Value);
        Assert.Equal("scratch", and.Element(ns + "Tag")?.Element(ns + "Value")?.Value);
        Assert.Equal(2, rules[2].Expiration.Days);

        await s3.DeleteLifecycleConfigurationAsync(bucket);
        await AssertNoConfigurationAsync(bucket);
        await s3.DeleteLifecycleConfigurationAsync(bucket); // S3: 204 with nothing to delete
    }

    [Fact]
    public async Task Bad_rules_are_refused_with_S3s_codes_and_nothing_is_stored()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var zero = Rule("r", "");
        zero.Expiration = new LifecycleRuleExpiration { Days = 0 };
        var error = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRulesAsync(bucket, zero));
        Assert.Equal("InvalidArgument", error.ErrorCode);

        var one = Rule("same", "a/");
        one.Expiration = new LifecycleRuleExpiration { Days = 1 };
        var two = Rule("same", "b/");
        two.Expiration = new LifecycleRuleExpiration { Days = 2 };
        Assert.Equal("InvalidArgument", (await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRulesAsync(bucket, one, two))).ErrorCode);

        var transition = Rule("t", "");
        transition.Transitions = [new LifecycleTransition { Days = 30, StorageClass = S3StorageClass.Glacier }];
        var notImplemented = await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRulesAsync(bucket, transition));
        Assert.Equal("NotImplemented", notImplemented.ErrorCode);
        Assert.Equal(HttpStatusCode.NotImplemented, notImplemented.StatusCode);
        var badDate = Rule("t", "");
        badDate.Transitions = [new LifecycleTransition { Date = new DateTime(2030, 1, 1, 12, 0, 0, DateTimeKind.Utc), StorageClass = S3StorageClass.Glacier }];
        Assert.Equal("InvalidArgument", (await Assert.ThrowsAsync<AmazonS3Exception>(() => PutRulesAsync(bucket, badDate))).ErrorCode);

        await AssertNoConfigurationAsync(bucket);
    }

    [Fact]
    public async Task A_legacy_prefix_rule_reads_back_in_its_own_form_and_a_rule_without_ID_gets_one()
    {
        var bucket = await server.CreateBucketAsync();
        const string document = "<LifecycleConfiguration><Rule><Prefix>test1/</Prefix><Status>Enabled</Status><Expiration><Days>31</Days></Expiration></Rule></LifecycleConfiguration>";
        using var signed = server.CreateSigned();
        var noChecksum = await signed.SendAsync(HttpMethod.Put, "/" + bucket, "lifecycle", document);
        Assert.Equal(HttpStatusCode.BadRequest, noChecksum.StatusCode); // S3: Content-MD5 (or a checksum) is required
        var put = await signed.SendAsync(HttpMethod.Put, "/" + bucket, "lifecycle", document, Checksum(document));
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);

        var get = await signed.SendAsync(HttpMethod.Get, "/" + bucket, "lifecycle");
        var rule = XDocument.Parse(await get.Content.ReadAsStringAsync()).Root!.Elements().Single();
        XNamespace s3 = "http://s3.amazonaws.com/doc/2006-03-01/";
        Assert.Equal("test1/", rule.Element(s3 + "Prefix")?.Value);
        Assert.Null(rule.Element(s3 + "Filter"));
        Assert.False(string.IsNullOrEmpty(rule.Element(s3 + "ID")?.Value));
    }

    [Fact]
    public async Task A_run_expires_exactly_the_noncurrent_versions_the_rules_name_and_keeps_the_newest()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var keepRule = Rule("keep-two", "keep/");
        keepRule.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1, NewerNoncurrentVersions = 2 };
        var oldRule = Rule("old", "old/");
        oldRule.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 5 };
        await PutRulesAsync(bucket, keepRule, oldRule);

        var keep = new List<string>();
        for (var i = 0; i < 5; i++) keep.Add(await PutAsync(bucket, "keep/k", $"v{i}"));
        var old1 = await PutAsync(bucket, "old/o", "first");
        var old2 = await PutAsync(bucket, "old/o", "second");
        var other1 = await PutAsync(bucket, "other/x", "first");
        await PutAsync(bucket, "other/x", "second");
        var before = await VersionsAsync(bucket);
        Assert.Equal(9, before.Count);

        var early = await RunInAsync(bucket, 3); // keep/: due; old/: 5 days not yet
        Assert.Equal(9, early.Examined);
        Assert.Equal(2, early.Removed);
        var afterEarly = await VersionsAsync(bucket);
        Assert.Equal(before.Except([$"keep/k {keep[0]}", $"keep/k {keep[1]}"]), afterEarly);

        var late = await RunInAsync(bucket, 8);
        Assert.Equal(1, late.Removed);
        Assert.Equal("first".Length, late.BytesFreed);
        Assert.Equal(afterEarly.Except([$"old/o {old1}"]), await VersionsAsync(bucket));
        Assert.Contains($"old/o {old2}", await VersionsAsync(bucket));
        Assert.Contains($"other/x {other1}", await VersionsAsync(bucket));

        using var s3 = server.CreateClient();
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "keep/k", VersionId = keep[0] }));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task Expiration_adds_a_delete_marker_on_a_versioned_bucket_and_a_later_run_removes_the_expired_marker()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var expire = Rule("expire", "tmp/");
        expire.Expiration = new LifecycleRuleExpiration { Days = 1 };
        expire.NoncurrentVersionExpiration = new LifecycleRuleNoncurrentVersionExpiration { NoncurrentDays = 1 };
        var markers = Rule("markers", "tmp/");
        markers.Expiration = new LifecycleRuleExpiration { ExpiredObjectDeleteMarker = true };
        await PutRulesAsync(bucket, expire, markers);
        var version = await PutAsync(bucket, "tmp/a", "scratch");
        await PutAsync(bucket, "keep/b", "stays");

        var first = await RunInAsync(bucket, 3);
        Assert.Equal(1, first.MarkersAdded);
        var listed = await VersionsAsync(bucket);
        Assert.Contains($"tmp/a {version}", listed);
        Assert.Single(listed, v => v.StartsWith("tmp/a ", StringComparison.Ordinal) && v.EndsWith(" marker", StringComparison.Ordinal));
        using var s3 = server.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "tmp/a"))).StatusCode);

        // Days later the object under the marker is noncurrent past its day, and the marker is left alone: both go.
        var second = await RunInAsync(bucket, 6);
        Assert.Equal(2, second.Removed);
        Assert.Equal("scratch".Length, second.BytesFreed);
        Assert.Equal(["keep/b"], (await VersionsAsync(bucket)).Select(v => v.Split(' ')[0]));
    }

    [Fact]
    public async Task Expiration_deletes_the_object_on_an_unversioned_bucket()
    {
        var bucket = await server.CreateBucketAsync();
        var expire = Rule("expire", "");
        expire.Expiration = new LifecycleRuleExpiration { Days = 2 };
        await PutRulesAsync(bucket, expire);
        await PutAsync(bucket, "a.txt", "12345");

        Assert.Equal(0, (await RunInAsync(bucket, 1)).Removed);
        var run = await RunInAsync(bucket, 4);
        Assert.Equal(1, run.Removed);
        Assert.Equal(0, run.MarkersAdded);
        Assert.Equal(5, run.BytesFreed);
        Assert.Empty(await VersionsAsync(bucket));
    }

    [Fact]
    public async Task Expiration_on_a_suspended_bucket_replaces_the_null_version_with_a_null_marker()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var kept = await PutAsync(bucket, "a", "from when versioning was on");
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest
        {
            BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended },
        });
        await PutAsync(bucket, "a", "null version");
        var expire = Rule("expire", "");
        expire.Expiration = new LifecycleRuleExpiration { Days = 1 };
        await PutRulesAsync(bucket, expire);

        var run = await RunInAsync(bucket, 3);

        Assert.Equal(1, run.MarkersAdded);
        Assert.Equal(1, run.Removed);
        Assert.Equal("null version".Length, run.BytesFreed);
        Assert.Equal(["a null marker", $"a {kept}"], await VersionsAsync(bucket));
    }

    [Fact]
    public async Task Old_incomplete_uploads_are_aborted_and_their_parts_freed()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var abort = Rule("abort", "uploads/");
        abort.AbortIncompleteMultipartUpload = new LifecycleRuleAbortIncompleteMultipartUpload { DaysAfterInitiation = 1 };
        await PutRulesAsync(bucket, abort);
        var old = await s3.InitiateMultipartUploadAsync(bucket, "uploads/big");
        var part = new byte[64 * 1024];
        await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "uploads/big", UploadId = old.UploadId, PartNumber = 1, InputStream = new MemoryStream(part) });
        var elsewhere = await s3.InitiateMultipartUploadAsync(bucket, "other/big");

        var run = await RunInAsync(bucket, 3);
        Assert.Equal(1, run.UploadsAborted);
        Assert.Equal(part.Length, run.BytesFreed);
        var uploads = (await s3.ListMultipartUploadsAsync(bucket)).MultipartUploads ?? [];
        Assert.Equal([elsewhere.UploadId], uploads.Select(u => u.UploadId));
        var parts = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.ListPartsAsync(bucket, "uploads/big", old.UploadId));
        Assert.Equal("NoSuchUpload", parts.ErrorCode);
    }

    [Fact]
    public async Task A_tag_filter_expires_only_the_objects_that_carry_the_tag()
    {
        var bucket = await server.CreateBucketAsync();
        var tagged = new S3LifecycleRule
        {
            Id = "tagged",
            Status = LifecycleRuleStatus.Enabled,
            Filter = new LifecycleFilter { Tag = new Tag { Key = "class", Value = "scratch" } },
            Expiration = new LifecycleRuleExpiration { Days = 1 },
        };
        await PutRulesAsync(bucket, tagged);
        using var s3 = server.CreateClient();
        await PutAsync(bucket, "plain", "x");
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "scratch", ContentBody = "x", TagSet = [new Tag { Key = "class", Value = "scratch" }] });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "other", ContentBody = "x", TagSet = [new Tag { Key = "class", Value = "keep" }] });
        // Tagged after the upload: PutObjectTagging counts as much as x-amz-tagging.
        await PutAsync(bucket, "retagged", "x");
        await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket, Key = "retagged", Tagging = new Amazon.S3.Model.Tagging { TagSet = [new Tag { Key = "class", Value = "scratch" }] },
        });

        Assert.Equal(2, (await RunInAsync(bucket, 5)).Removed);
        Assert.Equal(["other", "plain"], (await VersionsAsync(bucket)).Select(v => v.Split(' ')[0]).Order(StringComparer.Ordinal));
    }
}

using System.Net;

namespace Strata.Server.Tests;

public sealed class Versioning(StrataServer server) : IClassFixture<StrataServer>
{
    private static PutObjectRequest Put(string bucket, string key, string body) => new() { BucketName = bucket, Key = key, ContentBody = body };

    [Fact]
    public async Task A_new_bucket_reports_no_versioning_status_until_enabled()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        var before = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.True(before.VersioningConfig.Status is null || before.VersioningConfig.Status == VersionStatus.Off);
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var after = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.Equal(VersionStatus.Enabled, after.VersioningConfig.Status);
    }

    [Fact]
    public async Task Every_put_is_kept_as_a_version_and_old_ones_stay_readable()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(Put(bucket, "a.jpg", "one"));
        var v2 = await s3.PutObjectAsync(Put(bucket, "a.jpg", "two"));
        Assert.NotEqual(v1.VersionId, v2.VersionId);
        Assert.Equal("two", await Buckets.ReadAsync(s3, bucket, "a.jpg"));
        Assert.Equal("one", await Buckets.ReadAsync(s3, bucket, "a.jpg", v1.VersionId));
        using var get = await s3.GetObjectAsync(bucket, "a.jpg");
        Assert.Equal(v2.VersionId, get.VersionId);
    }

    [Fact]
    public async Task Delete_puts_a_marker_on_top_and_get_answers_404_with_the_marker()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(Put(bucket, "a.jpg", "one"));
        var marker = await s3.DeleteObjectAsync(bucket, "a.jpg");
        Assert.Equal("true", marker.DeleteMarker);
        Assert.False(string.IsNullOrEmpty(marker.VersionId));

        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "a.jpg"));
        Assert.Equal("NoSuchKey", error.ErrorCode);
        using var http = new HttpClient();
        var raw = await http.GetAsync(s3.GetPreSignedURL(new GetPreSignedUrlRequest { BucketName = bucket, Key = "a.jpg", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5), Protocol = Protocol.HTTP }));
        Assert.Equal(HttpStatusCode.NotFound, raw.StatusCode);
        Assert.Equal("true", raw.Headers.GetValues("x-amz-delete-marker").Single());
        Assert.Equal(marker.VersionId, raw.Headers.GetValues("x-amz-version-id").Single());
        Assert.Equal("one", await Buckets.ReadAsync(s3, bucket, "a.jpg", v1.VersionId));
        var listed = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket });
        Assert.True(listed.S3Objects is null || listed.S3Objects.Count == 0);
    }

    [Fact]
    public async Task Deleting_the_marker_brings_the_object_back()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(Put(bucket, "a.jpg", "one"));
        var marker = await s3.DeleteObjectAsync(bucket, "a.jpg");
        var removed = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "a.jpg", VersionId = marker.VersionId });
        Assert.Equal(marker.VersionId, removed.VersionId);
        Assert.Equal("true", removed.DeleteMarker);
        using var get = await s3.GetObjectAsync(bucket, "a.jpg");
        Assert.Equal(v1.VersionId, get.VersionId);
    }

    [Fact]
    public async Task Get_of_a_marker_by_version_id_is_405_MethodNotAllowed()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(Put(bucket, "k", "x"));
        var marker = await s3.DeleteObjectAsync(bucket, "k");
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = marker.VersionId }));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, error.StatusCode);
        Assert.Equal("MethodNotAllowed", error.ErrorCode);

        using var signed = server.CreateSigned();
        var raw = await signed.SendAsync(HttpMethod.Head, $"/{bucket}/k", $"versionId={marker.VersionId}");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, raw.StatusCode);
        Assert.Equal("true", raw.Headers.GetValues("x-amz-delete-marker").Single());
        Assert.Equal(marker.VersionId, raw.Headers.GetValues("x-amz-version-id").Single());
        Assert.Contains("DELETE", raw.Content.Headers.Allow);
        Assert.NotNull(raw.Content.Headers.LastModified);
    }

    [Fact]
    public async Task ListObjectVersions_with_encoding_type_url_encodes_keys_and_prefixes()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(Put(bucket, "dir one/a b+c.txt", "x"));
        await s3.PutObjectAsync(Put(bucket, "top é.txt", "x"));
        using var signed = server.CreateSigned();
        var response = await signed.SendAsync(HttpMethod.Get, $"/{bucket}", "versions&encoding-type=url&delimiter=%2F");
        var xml = await response.Content.ReadAsStringAsync();
        Assert.Contains("<EncodingType>url</EncodingType>", xml);
        Assert.Contains("<Key>top%20%C3%A9.txt</Key>", xml);
        Assert.Contains("<Prefix>dir%20one/</Prefix>", xml);
    }

    [Fact]
    public async Task Deleting_a_version_permanently_makes_the_next_one_latest()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(Put(bucket, "k", "one"));
        var v2 = await s3.PutObjectAsync(Put(bucket, "k", "two"));
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v2.VersionId });
        Assert.Equal("one", await Buckets.ReadAsync(s3, bucket, "k"));
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = v2.VersionId }));
        Assert.Equal("NoSuchVersion", gone.ErrorCode);
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        var only = Assert.Single(versions.Versions!);
        Assert.Equal(v1.VersionId, only.VersionId);
        Assert.True(only.IsLatest);
    }

    [Fact]
    public async Task A_malformed_version_id_is_InvalidArgument_and_an_unknown_one_NoSuchVersion()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        await s3.PutObjectAsync(Put(bucket, "k", "one"));
        var malformed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = "bad id!" }));
        Assert.Equal("InvalidArgument", malformed.ErrorCode);
        var unknown = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = "k", VersionId = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }));
        Assert.Equal("NoSuchVersion", unknown.ErrorCode);
        // S3: deleting a version that does not exist succeeds and echoes the id.
        var deleted = await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
        Assert.Equal("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", deleted.VersionId);
        Assert.Equal("one", await Buckets.ReadAsync(s3, bucket, "k"));
    }

    [Fact]
    public async Task Put_while_suspended_replaces_the_null_version_and_keeps_the_others()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await s3.PutObjectAsync(Put(bucket, "k", "null-before")); // written while unversioned: version "null"
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Enabled } });
        var enabled = await s3.PutObjectAsync(Put(bucket, "k", "enabled"));
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } });
        var suspended = await s3.PutObjectAsync(Put(bucket, "k", "suspended-1"));
        Assert.Null(suspended.VersionId); // S3 sends no x-amz-version-id for a null version
        Assert.Equal("suspended-1", await Buckets.ReadAsync(s3, bucket, "k", "null"));
        await s3.PutObjectAsync(Put(bucket, "k", "suspended-2"));

        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!;
        Assert.Equal(["null", enabled.VersionId], versions.Select(v => v.VersionId));
        Assert.Equal("suspended-2", await Buckets.ReadAsync(s3, bucket, "k", "null"));
        Assert.Equal("enabled", await Buckets.ReadAsync(s3, bucket, "k", enabled.VersionId));
    }

    [Fact]
    public async Task Delete_while_suspended_puts_a_null_marker_on_top_removing_the_null_version()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var kept = await s3.PutObjectAsync(Put(bucket, "k", "kept"));
        await s3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = bucket, VersioningConfig = new S3BucketVersioningConfig { Status = VersionStatus.Suspended } });
        await s3.PutObjectAsync(Put(bucket, "k", "null-object"));
        var marker = await s3.DeleteObjectAsync(bucket, "k");
        Assert.Equal("null", marker.VersionId);
        Assert.Equal("true", marker.DeleteMarker);

        var listing = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        var entries = listing.Versions!;
        Assert.Equal(2, entries.Count);
        Assert.True(entries[0].IsDeleteMarker);
        Assert.Equal("null", entries[0].VersionId);
        Assert.True(entries[0].IsLatest);
        Assert.Equal(kept.VersionId, entries[1].VersionId);
    }

    [Fact]
    public async Task Saying_MFA_Delete_is_Disabled_when_it_is_off_needs_no_code()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();

        using var response = await signed.SendAsync(HttpMethod.Put, "/" + bucket, "versioning",
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(VersionStatus.Enabled, (await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket })).VersioningConfig.Status);
    }

    [Fact]
    public async Task A_bucket_cannot_return_to_unversioned_and_bad_configuration_is_refused()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var signed = server.CreateSigned();
        var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "versioning",
            "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Status>Off</Status></VersioningConfiguration>");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("<Code>IllegalVersioningConfigurationException</Code>", await response.Content.ReadAsStringAsync());
        var malformed = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "versioning", "<VersioningConfiguration><Status>Enabled");
        Assert.Contains("<Code>MalformedXML</Code>", await malformed.Content.ReadAsStringAsync());
        var doctype = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "versioning",
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><VersioningConfiguration><Status>&e;</Status></VersioningConfiguration>");
        Assert.Contains("<Code>MalformedXML</Code>", await doctype.Content.ReadAsStringAsync());
        var status = await s3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket });
        Assert.Equal(VersionStatus.Enabled, status.VersioningConfig.Status);
    }

    [Fact]
    public async Task Copy_from_an_older_version_restores_it_as_the_newest()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(Put(bucket, "doc", "original"));
        await s3.PutObjectAsync(Put(bucket, "doc", "mistake"));
        var restored = await s3.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "doc", SourceVersionId = v1.VersionId, DestinationBucket = bucket, DestinationKey = "doc",
        });
        Assert.Equal(v1.VersionId, restored.SourceVersionId);
        Assert.False(string.IsNullOrEmpty(restored.VersionId));
        Assert.Equal("original", await Buckets.ReadAsync(s3, bucket, "doc"));
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Equal(3, versions.Versions!.Count);
    }

    [Fact]
    public async Task A_versioned_bucket_with_only_markers_left_is_not_empty()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v = await s3.PutObjectAsync(Put(bucket, "k", "x"));
        var marker = await s3.DeleteObjectAsync(bucket, "k");
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = v.VersionId });
        var error = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteBucketAsync(bucket));
        Assert.Equal("BucketNotEmpty", error.ErrorCode);
        await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "k", VersionId = marker.VersionId });
        await s3.DeleteBucketAsync(bucket);
    }

    [Fact]
    public async Task DeleteObjects_with_version_ids_reports_markers_as_S3_does()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var v1 = await s3.PutObjectAsync(Put(bucket, "a", "1"));
        await s3.PutObjectAsync(Put(bucket, "b", "1"));
        var markerOfC = await s3.DeleteObjectAsync(bucket, "a");
        var result = await s3.DeleteObjectsAsync(new DeleteObjectsRequest
        {
            BucketName = bucket,
            Objects = [new KeyVersion { Key = "a", VersionId = markerOfC.VersionId }, new KeyVersion { Key = "b" }],
        });
        var a = result.DeletedObjects!.Single(d => d.Key == "a");
        Assert.Equal(markerOfC.VersionId, a.VersionId);
        Assert.True(a.DeleteMarker);
        Assert.Equal(markerOfC.VersionId, a.DeleteMarkerVersionId);
        var b = result.DeletedObjects!.Single(d => d.Key == "b");
        Assert.True(b.DeleteMarker);
        Assert.False(string.IsNullOrEmpty(b.DeleteMarkerVersionId));
        Assert.Equal("1", await Buckets.ReadAsync(s3, bucket, "a", v1.VersionId));
        Assert.Equal("1", await Buckets.ReadAsync(s3, bucket, "a"));
    }

    [Fact]
    public async Task Concurrent_writers_each_get_a_distinct_version_in_commit_order()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var puts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i => s3.PutObjectAsync(Put(bucket, "hot", $"writer-{i}"))));
        Assert.Equal(40, puts.Select(p => p.VersionId).Distinct().Count());
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions!;
        Assert.Equal(40, versions.Count);
        Assert.True(versions[0].IsLatest);
        Assert.Equal(versions[0].VersionId, (await s3.GetObjectMetadataAsync(bucket, "hot")).VersionId);
        Assert.Equal(puts.Select(p => p.VersionId).Order(), versions.Select(v => v.VersionId).Order());
    }

    [Fact]
    public async Task ListObjectVersions_pages_by_key_and_version_markers_without_gaps()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var expected = new List<(string Key, string VersionId)>();
        foreach (var key in new[] { "a", "b/1", "b/2", "c" })
        {
            var ids = new List<string>();
            for (var i = 0; i < 3; i++) ids.Add((await s3.PutObjectAsync(Put(bucket, key, $"{key}{i}"))).VersionId);
            if (key == "c") ids.Add((await s3.DeleteObjectAsync(bucket, key)).VersionId);
            ids.Reverse();
            expected.AddRange(ids.Select(id => (key, id)));
        }
        var seen = new List<(string, string)>();
        string? keyMarker = null, versionMarker = null;
        while (true)
        {
            var page = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, MaxKeys = 5, KeyMarker = keyMarker, VersionIdMarker = versionMarker });
            seen.AddRange(page.Versions!.Select(v => (v.Key, v.VersionId)));
            if (page.IsTruncated != true) break;
            keyMarker = page.NextKeyMarker;
            versionMarker = page.NextVersionIdMarker;
        }
        Assert.Equal(expected, seen);

        var grouped = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket, Delimiter = "/" });
        Assert.Equal(["b/"], grouped.CommonPrefixes!);
        Assert.Equal(["a", "c"], grouped.Versions!.Select(v => v.Key).Distinct());
    }
}

using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.Testing;

namespace Strata.Server.Auth.Tests;

/// <summary>
/// Policies conditioned on tags and on request headers ("Tagging and access control policies", "Amazon S3 condition key
/// examples"): s3:ExistingObjectTag/&lt;key&gt;, s3:RequestObjectTag/&lt;key&gt;, s3:RequestObjectTagKeys, s3:x-amz-copy-source,
/// s3:x-amz-acl, evaluated against a running server.
/// </summary>
public sealed class TagConditionedPolicies(StrataServer server) : IClassFixture<StrataServer>
{
    private async Task<IAmazonS3> UserAsync(string policy)
    {
        var (id, secret) = await server.CreateUserAsync("tags-" + Guid.NewGuid().ToString("N")[..8], policy);
        return server.CreateClient(id, secret);
    }

    private static Task PutTagsAsync(IAmazonS3 s3, string bucket, string key, params (string Key, string Value)[] tags) =>
        s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
        {
            BucketName = bucket, Key = key, Tagging = new Tagging { TagSet = tags.Select(t => new Tag { Key = t.Key, Value = t.Value }).ToList() },
        });

    private static async Task<HttpStatusCode> StatusOfAsync(Func<Task> request)
    {
        try
        {
            await request();
            return HttpStatusCode.OK;
        }
        catch (AmazonS3Exception e)
        {
            return e.StatusCode;
        }
    }

    private static async Task<HttpStatusCode> ReadAsync(IAmazonS3 s3, string bucket, string key) =>
        await StatusOfAsync(async () => { using var _ = await s3.GetObjectAsync(bucket, key); });

    [Fact]
    public async Task A_user_may_read_only_objects_tagged_public_and_a_retag_takes_effect_at_once()
    {
        using var root = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        foreach (var key in new[] { "publictag", "privatetag", "untagged" })
        {
            await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key });
        }
        await PutTagsAsync(root, bucket, "publictag", ("security", "public"), ("foo", "bar"));
        await PutTagsAsync(root, bucket, "privatetag", ("security", "private"));
        using var reader = await UserAsync($$$$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectTagging"],
              "Resource": "arn:aws:s3:::{{{{bucket}}}}/*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/security": "public"}}}]}
            """);

        Assert.Equal(HttpStatusCode.OK, await ReadAsync(reader, bucket, "publictag"));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(reader, bucket, "privatetag"));
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(reader, bucket, "untagged"));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(() => reader.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "publictag" })));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() => reader.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "privatetag" })));

        await PutTagsAsync(root, bucket, "privatetag", ("security", "public"));
        Assert.Equal(HttpStatusCode.OK, await ReadAsync(reader, bucket, "privatetag"));
        await root.DeleteObjectTaggingAsync(new DeleteObjectTaggingRequest { BucketName = bucket, Key = "publictag" });
        Assert.Equal(HttpStatusCode.Forbidden, await ReadAsync(reader, bucket, "publictag"));
    }

    [Fact]
    public async Task A_bucket_policy_can_open_objects_tagged_public_to_anonymous_readers()
    {
        using var root = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "open", ContentBody = "open", TagSet = [new Tag { Key = "security", Value = "public" }] });
        await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "closed", ContentBody = "closed" });
        await root.PutBucketPolicyAsync(bucket, $$$$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
              "Resource": "arn:aws:s3:::{{{{bucket}}}}/*", "Condition": {"StringEquals": {"s3:ExistingObjectTag/security": "public"}}}]}
            """);
        using var anonymous = new HttpClient(server.CreateHandler()) { BaseAddress = server.Endpoint };

        var open = await anonymous.GetAsync($"/{bucket}/open");
        Assert.Equal((HttpStatusCode.OK, "open"), (open.StatusCode, await open.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/closed")).StatusCode);
    }

    [Fact]
    public async Task A_user_may_write_only_objects_tagged_with_its_project()
    {
        using var root = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        using var writer = await UserAsync($$$$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:PutObjectTagging"],
              "Resource": "arn:aws:s3:::{{{{bucket}}}}/*", "Condition": {"StringEquals": {"s3:RequestObjectTag/project": "x"}}}]}
            """);
        Task PutAsync(string key, List<Tag>? tags) =>
            writer.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, ContentBody = key, TagSet = tags });

        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() => PutAsync("untagged", null)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() => PutAsync("other", [new Tag { Key = "project", Value = "y" }])));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(() => PutAsync("mine", [new Tag { Key = "project", Value = "x" }])));
        // Refused writes stored nothing.
        Assert.Equal(HttpStatusCode.NotFound, await StatusOfAsync(() => root.GetObjectMetadataAsync(bucket, "other")));

        // PutObjectTagging: the condition is on the tags in its body.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() => PutTagsAsync(writer, bucket, "mine", ("project", "y"))));
        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(() => PutTagsAsync(writer, bucket, "mine", ("project", "x"), ("stage", "2"))));
        var tags = (await root.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "mine" })).Tagging;
        Assert.Equal("project=x&stage=2", string.Join("&", tags.Select(t => t.Key + "=" + t.Value)));
    }

    [Fact]
    public async Task RequestObjectTagKeys_limits_which_tag_keys_a_write_may_set()
    {
        var bucket = await server.CreateBucketAsync();
        using var writer = await UserAsync($$$$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{{{bucket}}}}/*",
              "Condition": {"ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["project", "stage"]}}}]}
            """);
        Task PutAsync(params string[] keys) => writer.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "k", ContentBody = "k", TagSet = keys.Select(k => new Tag { Key = k, Value = "v" }).ToList(),
        });

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(() => PutAsync("project", "stage")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() => PutAsync("project", "owner")));
    }

    [Fact]
    public async Task A_copy_is_allowed_only_from_the_source_prefix_the_policy_names()
    {
        using var root = server.CreateClient();
        var source = await server.CreateBucketAsync(stem: "src");
        var target = await server.CreateBucketAsync(stem: "dst");
        foreach (var key in new[] { "public/foo", "private/foo" })
        {
            await root.PutObjectAsync(new PutObjectRequest { BucketName = source, Key = key, ContentBody = key });
        }
        using var copier = await UserAsync($$$$"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{{{{source}}}}/*"},
              {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{{{target}}}}/*",
               "Condition": {"StringLike": {"s3:x-amz-copy-source": "{{{{source}}}}/public/*"}}}]}
            """);
        Task CopyAsync(string key) => copier.CopyObjectAsync(source, key, target, "copy-" + key.Replace('/', '-'));

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(() => CopyAsync("public/foo")));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() => CopyAsync("private/foo")));
        // A plain PUT carries no copy source, so the condition does not hold either.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() =>
            copier.PutObjectAsync(new PutObjectRequest { BucketName = target, Key = "plain", ContentBody = "x" })));
    }

    [Fact]
    public async Task A_copy_of_a_named_version_is_judged_by_that_versions_tags()
    {
        using var root = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        var tagged = await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "one", TagSet = [new Tag { Key = "security", Value = "public" }] });
        var untagged = await root.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "doc", ContentBody = "two" });
        using var copier = await UserAsync($$$$"""
            {"Version": "2012-10-17", "Statement": [
              {"Effect": "Allow", "Action": "s3:GetObjectVersion", "Resource": "arn:aws:s3:::{{{{bucket}}}}/*",
               "Condition": {"StringEquals": {"s3:ExistingObjectTag/security": "public"}}},
              {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{{{bucket}}}}/*"}]}
            """);
        Task CopyAsync(string versionId) => copier.CopyObjectAsync(new CopyObjectRequest
        {
            SourceBucket = bucket, SourceKey = "doc", SourceVersionId = versionId, DestinationBucket = bucket, DestinationKey = "copy",
        });

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(() => CopyAsync(tagged.VersionId)));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusOfAsync(() => CopyAsync(untagged.VersionId)));
    }

    [Fact]
    public async Task A_bucket_policy_can_deny_writes_that_ask_for_a_public_ACL()
    {
        using var root = server.CreateClient();
        var bucket = await server.CreateBucketAsync();
        await root.PutBucketPolicyAsync(bucket, $$$$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject",
              "Resource": "arn:aws:s3:::{{{{bucket}}}}/*", "Condition": {"StringLike": {"s3:x-amz-acl": "public*"}}}]}
            """);
        using var writer = await UserAsync($$$$"""
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{{{bucket}}}}/*"}]}
            """);

        Assert.Equal(HttpStatusCode.OK, await StatusOfAsync(() => writer.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "private", ContentBody = "x" })));
        var denied = await StatusOfAsync(() => writer.PutObjectAsync(new PutObjectRequest
        {
            BucketName = bucket, Key = "public", ContentBody = "x", CannedACL = S3CannedACL.PublicRead,
        }));
        Assert.Equal(HttpStatusCode.Forbidden, denied);
    }
}

using System.Net;

namespace Strata.Server.Tests.Console;

/// <summary>The console acts with the signed-in user's own key: a page shows what that key's policy allows and explains the rest.</summary>
public sealed class ConsoleRights(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task A_user_sees_only_what_the_users_policy_allows()
    {
        var allowed = await server.CreateBucketAsync(versioning: true, stem: "console-mine");
        var other = await server.CreateBucketAsync(versioning: true, stem: "console-theirs");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = allowed, Key = "mine.txt", ContentBody = "mine" });
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = other, Key = "secret-plans.txt", ContentBody = "theirs" });
        var (keyId, secret) = await server.CreateUserAsync("console-limited-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[
              {"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"},
              {"Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketVersioning"],"Resource":"arn:aws:s3:::{{allowed}}"}]}
            """);
        using var console = new ConsoleClient(server);
        Assert.Equal(HttpStatusCode.SeeOther, (await console.SignInAsync(keyId, secret)).StatusCode);

        var buckets = await console.PageAsync(ConsoleClient.Base + "/buckets");
        var mine = await console.PageAsync($"{ConsoleClient.Base}/buckets/{allowed}");
        var theirs = await console.PageAsync($"{ConsoleClient.Base}/buckets/{other}");

        Assert.Contains(keyId, buckets);
        Assert.Contains("Access denied: your key may not read this bucket&#x27;s versioning state (s3:GetBucketVersioning)", buckets);
        Assert.Contains("mine.txt", mine);
        Assert.DoesNotContain("secret-plans.txt", theirs);
        Assert.Contains("Access denied: your key may not list this bucket (s3:ListBucket). Ask the bucket&#x27;s owner to grant it.", theirs);
    }

    [Fact]
    public async Task A_key_that_may_not_list_buckets_signs_in_hears_why_and_can_still_open_its_bucket()
    {
        var bucket = await server.CreateBucketAsync(stem: "console-direct");
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "reachable.txt", ContentBody = "x" });
        var (keyId, secret) = await server.CreateUserAsync("console-nolist-" + Guid.NewGuid().ToString("N")[..6], $$"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::{{bucket}}"}]}
            """);
        using var console = new ConsoleClient(server);

        Assert.Equal(HttpStatusCode.SeeOther, (await console.SignInAsync(keyId, secret)).StatusCode);
        var buckets = await console.PageAsync(ConsoleClient.Base + "/buckets");
        var opened = await console.GetAsync(ConsoleClient.Base + "/buckets?open=" + bucket);

        Assert.Contains("Access denied: your key may not list the buckets (s3:ListAllMyBuckets)", buckets);
        Assert.DoesNotContain(bucket, buckets);
        Assert.Equal($"{ConsoleClient.Base}/buckets/{bucket}", opened.Headers.Location?.OriginalString);
        Assert.Contains("reachable.txt", await console.PageAsync(opened.Headers.Location!.OriginalString));
    }
}

namespace Strata.Reliability.Tests.Hostile;

/// <summary>
/// What the XML reader fuzz found (XmlReaderFuzz.A_Delete_of_a_whitespace_only_key_reads_that_key), seen by a
/// client: S3 keys may be whitespace only, and AWSSDK.S3's DeleteObjects sends them as &lt;Key&gt; &lt;/Key&gt;.
/// </summary>
public sealed class WhitespaceKeys(HostileServer server) : IClassFixture<HostileServer>
{
    [Theory]
    [Trait("Regression", "xml-whitespace-only-key")]
    [InlineData(" ")]
    [InlineData("\t")]
    public async Task DeleteObjects_deletes_a_whitespace_only_key(string key)
    {
        using var s3 = server.Server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = HostileServer.Plain, Key = key, ContentBody = "x" });

        DeleteObjectsResponse response;
        try
        {
            response = await s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = HostileServer.Plain, Objects = [new KeyVersion { Key = key }] });
        }
        catch (DeleteObjectsException refused)
        {
            var errors = refused.Response.DeleteErrors.Select(e => $"key \"{e.Key}\": {e.Code} {e.Message}");
            throw new Xunit.Sdk.XunitException($"DeleteObjects of key \"{key}\" answered errors: {string.Join("; ", errors)}");
        }

        Assert.Empty(response.DeleteErrors ?? []);
        Assert.Equal([key], (response.DeletedObjects ?? []).Select(d => d.Key));
        var gone = await Assert.ThrowsAsync<AmazonS3Exception>(() => s3.GetObjectMetadataAsync(HostileServer.Plain, key));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, gone.StatusCode);
    }
}

using Microsoft.Data.Sqlite;

namespace Strata.Server.Tests;

/// <summary>
/// A data directory of schema 7 (no checksum type on uploads, no checksum on a completed object's
/// parts) opens with migration 7: what it held reads as before, and an upload begun under it completes.
/// </summary>
public sealed class SchemaUpgrade
{
    [Fact]
    public async Task A_schema_7_data_directory_opens_and_its_objects_and_uploads_carry_on()
    {
        var server = new StrataServer();
        try
        {
            await server.StartAsync();
            string bucket, uploadId, partETag;
            var part = new byte[5 * 1024 * 1024];
            Random.Shared.NextBytes(part);
            using (var s3 = server.CreateClient())
            {
                bucket = await server.CreateBucketAsync();
                var done = await s3.InitiateMultipartUploadAsync(bucket, "done.bin");
                var p1 = await s3.UploadPartAsync(new UploadPartRequest { BucketName = bucket, Key = "done.bin", UploadId = done.UploadId, PartNumber = 1, InputStream = new MemoryStream(part) });
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "done.bin", UploadId = done.UploadId, PartETags = [new PartETag(1, p1.ETag)] });
                var open = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = "open.bin", ChecksumAlgorithm = ChecksumAlgorithm.SHA256 });
                uploadId = open.UploadId;
                partETag = (await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket, Key = "open.bin", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream(part), ChecksumAlgorithm = ChecksumAlgorithm.SHA256,
                })).ETag;
            }
            await server.StopAsync();
            DowngradeToSchema7(Path.Combine(server.DataDirectory, "metadata.db"));

            await server.StartAsync();
            using (var s3 = server.CreateClient())
            {
                var attributes = await s3.GetObjectAttributesAsync(new GetObjectAttributesRequest
                {
                    BucketName = bucket, Key = "done.bin", ObjectAttributes = [Amazon.S3.ObjectAttributes.ObjectParts, Amazon.S3.ObjectAttributes.ObjectSize],
                });
                Assert.Equal(part.Length, attributes.ObjectSize);
                Assert.Equal(1, attributes.ObjectParts.TotalPartsCount);
                // Migration 13: a version from before it has no tags, and takes some.
                Assert.Empty((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "done.bin" })).Tagging ?? []);
                await s3.PutObjectTaggingAsync(new PutObjectTaggingRequest
                {
                    BucketName = bucket, Key = "done.bin", Tagging = new Amazon.S3.Model.Tagging { TagSet = [new Tag { Key = "migrated", Value = "yes" }] },
                });
                Assert.Equal("yes", Assert.Single((await s3.GetObjectTaggingAsync(new GetObjectTaggingRequest { BucketName = bucket, Key = "done.bin" })).Tagging).Value);

                // Begun under schema 7 with SHA256: no type was kept, so it completes as the composite it was then.
                var completed = await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = bucket, Key = "open.bin", UploadId = uploadId, PartETags = [new PartETag(1, partETag)],
                });
                Assert.Equal(ChecksumType.COMPOSITE, completed.ChecksumType);
                Assert.EndsWith("-1", completed.ChecksumSHA256);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static void DowngradeToSchema7(string database)
    {
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SchemaDowngrades.To(7);
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>
/// A data directory of schema 8 (no ACL columns) opens with migration 10: its objects read as private to the owner,
/// an upload begun under it completes, and ACLs can be set on what it held.
/// </summary>
public sealed class AclSchemaUpgrade
{
    [Fact]
    public async Task A_schema_11_data_directory_opens_and_its_objects_take_ACLs()
    {
        var server = new StrataServer();
        try
        {
            await server.StartAsync();
            string bucket, uploadId;
            using (var s3 = server.CreateClient())
            {
                bucket = await server.CreateBucketAsync();
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "old.txt", ContentBody = "old" });
                uploadId = (await s3.InitiateMultipartUploadAsync(bucket, "open.bin")).UploadId;
            }
            await server.StopAsync();
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "metadata.db")};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = SchemaDowngrades.To(11);
                command.ExecuteNonQuery();
            }
            SqliteConnection.ClearAllPools();

            await server.StartAsync();
            using (var s3 = server.CreateClient())
            {
                var acl = await s3.GetObjectAclAsync(new GetObjectAclRequest { BucketName = bucket, Key = "old.txt" });
                Assert.Equal(S3Permission.FULL_CONTROL, Assert.Single(acl.Grants!).Permission);
                var part = await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket, Key = "open.bin", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream("p"u8.ToArray()),
                });
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
                {
                    BucketName = bucket, Key = "open.bin", UploadId = uploadId, PartETags = [new PartETag(1, part.ETag)],
                });
                await s3.PutObjectAclAsync(new PutObjectAclRequest { BucketName = bucket, Key = "old.txt", ACL = S3CannedACL.PublicRead });
            }
            using var anonymous = new HttpClient { BaseAddress = server.Endpoint };
            Assert.Equal("old", await anonymous.GetStringAsync($"/{bucket}/old.txt"));
            Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await anonymous.GetAsync($"/{bucket}/open.bin")).StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

using Microsoft.Data.Sqlite;

namespace Strata.Server.Tests;

/// <summary>
/// A data directory of the previous schema (9: no Object Lock columns) opens with migration 10: its objects read as
/// before, unlocked, and a multipart upload begun under it completes; Object Lock can then be enabled on its buckets.
/// </summary>
public sealed class ObjectLockSchemaUpgrade
{
    [Fact]
    public async Task A_schema_9_data_directory_opens_with_unlocked_versions_that_can_be_locked_afterwards()
    {
        var server = new StrataServer();
        try
        {
            await server.StartAsync();
            string bucket, version, uploadId, partETag;
            using (var s3 = server.CreateClient())
            {
                bucket = await server.CreateBucketAsync(versioning: true);
                version = (await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "old.txt", ContentBody = "old" })).VersionId;
                uploadId = (await s3.InitiateMultipartUploadAsync(bucket, "open.bin")).UploadId;
                partETag = (await s3.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket, Key = "open.bin", UploadId = uploadId, PartNumber = 1, InputStream = new MemoryStream("part"u8.ToArray()),
                })).ETag;
            }
            await server.StopAsync();
            using (var connection = new SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "metadata.db")};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = SchemaDowngrades.To(9);
                command.ExecuteNonQuery();
            }
            SqliteConnection.ClearAllPools();

            await server.StartAsync();
            using (var s3 = server.CreateClient())
            {
                var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "old.txt", VersionId = version });
                Assert.Null(head.ObjectLockMode);
                Assert.Null(head.ObjectLockLegalHoldStatus);
                await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest { BucketName = bucket, Key = "open.bin", UploadId = uploadId, PartETags = [new PartETag(1, partETag)] });

                await s3.PutObjectLockConfigurationAsync(new PutObjectLockConfigurationRequest
                {
                    BucketName = bucket, ObjectLockConfiguration = new ObjectLockConfiguration { ObjectLockEnabled = ObjectLockEnabled.Enabled },
                });
                await s3.PutObjectLegalHoldAsync(new PutObjectLegalHoldRequest
                {
                    BucketName = bucket, Key = "old.txt", VersionId = version, LegalHold = new ObjectLockLegalHold { Status = ObjectLockLegalHoldStatus.On },
                });
                var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = "old.txt", VersionId = version }));
                Assert.Equal("AccessDenied", refused.ErrorCode);
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

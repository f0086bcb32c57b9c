using Microsoft.Data.Sqlite;

namespace Strata.Server.Tests;

/// <summary>
/// A data directory of schema 10 (one account per server, no owner on buckets) opens with migration 11: its buckets
/// belong to the server's own account, shown with the same Owner as before, and no other account can take them.
/// </summary>
public sealed class AccountsUpgrade
{
    [Fact]
    public async Task A_schema_10_data_directory_keeps_its_buckets_in_the_servers_own_account()
    {
        var server = new StrataServer();
        try
        {
            await server.StartAsync();
            string bucket, ownerId;
            using (var s3 = server.CreateClient())
            {
                bucket = await server.CreateBucketAsync();
                await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "before" });
                ownerId = (await s3.ListBucketsAsync()).Owner.Id;
            }
            await server.StopAsync();
            DowngradeToSchema10(Path.Combine(server.DataDirectory, "metadata.db"));

            await server.StartAsync();
            using (var s3 = server.CreateClient())
            {
                var listed = await s3.ListBucketsAsync();
                Assert.Equal(ownerId, listed.Owner.Id);
                Assert.Contains(listed.Buckets!, b => b.BucketName == bucket);
                using var read = await s3.GetObjectAsync(bucket, "a.txt");
                Assert.Equal("before", await new StreamReader(read.ResponseStream).ReadToEndAsync());
            }
            using var admin = server.CreateSigned();
            var created = await admin.SendAsync(HttpMethod.Post, "/_strata/admin/accounts", "name=newcomer");
            created.EnsureSuccessStatusCode();
            using var json = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync());
            using var other = server.CreateClient(json.RootElement.GetProperty("accessKeyId").GetString()!, json.RootElement.GetProperty("secretAccessKey").GetString()!);
            var taken = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => other.PutBucketAsync(bucket));
            Assert.Equal("BucketAlreadyExists", taken.ErrorCode);
            Assert.Equal("AccessDenied", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => other.GetObjectAsync(bucket, "a.txt"))).ErrorCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static void DowngradeToSchema10(string database)
    {
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = SchemaDowngrades.To(10);
            command.ExecuteNonQuery();
        }
        SqliteConnection.ClearAllPools();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.Json;

namespace Strata.Cli.Tests;

/// <summary>
/// /metrics as Prometheus reads it: scraped from a `strata serve` process and parsed by a real Prometheus text parser
/// (Debian's python3-prometheus-client), after a known sequence of requests and again after a restart.
/// </summary>
public sealed class MetricsScrapes : IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "strata-metrics-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        if (Directory.Exists(_data)) Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task The_scrape_counts_the_requests_and_the_bucket_figures_survive_a_restart()
    {
        var bucket = StrataServer.UniqueBucketName("metrics");
        await using (var server = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0"))
        {
            using var s3 = server.CreateClient();
            await s3.PutBucketAsync(bucket);
            await s3.PutBucketVersioningAsync(new() { BucketName = bucket, VersioningConfig = new() { Status = VersionStatus.Enabled } });
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "12345" });
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "1234567" }); // the first becomes noncurrent
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = "b.txt", ContentBody = "abc" });
            await s3.DeleteObjectAsync(bucket, "a.txt"); // a delete marker: a.txt's 7 bytes become noncurrent too
            await s3.InitiateMultipartUploadAsync(bucket, "big.bin");
            var missing = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetObjectAsync(bucket, "nothing-here"));
            Assert.Equal("NoSuchKey", missing.ErrorCode);
            using var http = ServeProcess.Http();
            using (var anonymous = await http.GetAsync(new Uri(server.Endpoint, $"{bucket}/b.txt")))
            {
                Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
                Assert.Contains("<Code>AccessDenied</Code>", await anonymous.Content.ReadAsStringAsync());
            }

            var scrape = await ScrapeAsync(server.Metrics);

            Assert.Equal(3, scrape.Value("strata_requests_total", ("operation", "PutObject"), ("status_class", "2xx")));
            Assert.Equal(1, scrape.Value("strata_requests_total", ("operation", "DeleteObject"), ("status_class", "2xx")));
            Assert.Equal(2, scrape.Value("strata_requests_total", ("operation", "GetObject"), ("status_class", "4xx")));
            Assert.Equal(3, scrape.Value("strata_request_duration_seconds_count", ("operation", "PutObject")));
            Assert.Equal(1, scrape.Value("strata_errors_total", ("code", "NoSuchKey")));
            Assert.Equal(1, scrape.Value("strata_errors_total", ("code", "AccessDenied")));
            Assert.Equal(1, scrape.Value("strata_auth_failures_total", ("code", "AccessDenied")));
            Assert.Null(scrape.Find("strata_auth_failures_total", ("code", "NoSuchKey")));
            Assert.True(scrape.Value("strata_received_bytes_total") >= 5 + 7 + 3);
            Assert.True(scrape.Value("strata_commit_batch_size_count") >= 6);
            Assert.True(scrape.Value("strata_connections_open") >= 1);
            AssertBucketFigures(scrape, bucket);
        }

        await using (var restarted = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0"))
        {
            var scrape = await ScrapeAsync(restarted.Metrics);

            AssertBucketFigures(scrape, bucket);
            Assert.Null(scrape.Find("strata_requests_total", ("operation", "PutObject"), ("status_class", "2xx")));
        }
    }

    [Fact]
    public async Task A_rotten_body_found_by_a_GET_shows_in_the_damaged_versions_gauge_and_again_after_a_restart()
    {
        var bucket = StrataServer.UniqueBucketName("rot");
        string versionId;
        await using (var server = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0"))
        {
            using var s3 = server.CreateClient();
            await s3.PutBucketAsync(bucket);
            await s3.PutBucketVersioningAsync(new() { BucketName = bucket, VersioningConfig = new() { Status = VersionStatus.Enabled } });
            versionId = (await s3.PutObjectAsync(new() { BucketName = bucket, Key = "photo.jpg", InputStream = new MemoryStream(new byte[100_000]) })).VersionId;
            Assert.Equal(0, (await ScrapeAsync(server.Metrics)).Value("strata_scrub_damaged_versions"));
        }
        StoredBodies.FlipBlobByte(_data, versionId, offset: 99_999);

        await using (var server = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0"))
        {
            using var s3 = server.CreateClient();
            var refused = await Assert.ThrowsAnyAsync<AmazonS3Exception>(async () =>
            {
                using var get = await s3.GetObjectAsync(bucket, "photo.jpg");
                await get.ResponseStream.CopyToAsync(Stream.Null);
            });
            Assert.Equal("InternalError", refused.ErrorCode);
            Assert.Equal(1, (await ScrapeAsync(server.Metrics)).Value("strata_scrub_damaged_versions"));
        }

        await using (var restarted = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0"))
        {
            Assert.Equal(1, (await ScrapeAsync(restarted.Metrics)).Value("strata_scrub_damaged_versions"));
        }
    }

    private static void AssertBucketFigures(Scrape scrape, string bucket)
    {
        Assert.Equal(1, scrape.Value("strata_bucket_objects", ("bucket", bucket)));
        Assert.Equal(3, scrape.Value("strata_bucket_versions", ("bucket", bucket)));
        Assert.Equal(1, scrape.Value("strata_bucket_delete_markers", ("bucket", bucket)));
        Assert.Equal(3, scrape.Value("strata_bucket_current_bytes", ("bucket", bucket)));
        Assert.Equal(5 + 7, scrape.Value("strata_bucket_noncurrent_bytes", ("bucket", bucket)));
        Assert.Equal(1, scrape.Value("strata_bucket_multipart_uploads", ("bucket", bucket)));
    }

    [Fact]
    public async Task Removing_versions_and_completing_an_upload_move_the_figures_back()
    {
        var bucket = StrataServer.UniqueBucketName("metrics");
        await using var server = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0");
        using var s3 = server.CreateClient();
        await s3.PutBucketAsync(bucket);
        await s3.PutBucketVersioningAsync(new() { BucketName = bucket, VersioningConfig = new() { Status = VersionStatus.Enabled } });
        var first = await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "12345" });
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a.txt", ContentBody = "1234567" });
        var marker = await s3.DeleteObjectAsync(bucket, "a.txt");
        // Removing the marker makes the 7-byte version current again; removing the first version frees its 5 bytes.
        await s3.DeleteObjectAsync(new() { BucketName = bucket, Key = "a.txt", VersionId = marker.VersionId });
        await s3.DeleteObjectAsync(new() { BucketName = bucket, Key = "a.txt", VersionId = first.VersionId });
        var upload = await s3.InitiateMultipartUploadAsync(bucket, "big.bin");
        var part = await s3.UploadPartAsync(new() { BucketName = bucket, Key = "big.bin", UploadId = upload.UploadId, PartNumber = 1, InputStream = new MemoryStream(new byte[100]) });
        await s3.CompleteMultipartUploadAsync(new()
        {
            BucketName = bucket, Key = "big.bin", UploadId = upload.UploadId, PartETags = [new PartETag(1, part.ETag)],
        });

        var scrape = await ScrapeAsync(server.Metrics);

        Assert.Equal(2, scrape.Value("strata_bucket_objects", ("bucket", bucket)));
        Assert.Equal(2, scrape.Value("strata_bucket_versions", ("bucket", bucket)));
        Assert.Equal(0, scrape.Value("strata_bucket_delete_markers", ("bucket", bucket)));
        Assert.Equal(7 + 100, scrape.Value("strata_bucket_current_bytes", ("bucket", bucket)));
        Assert.Equal(0, scrape.Value("strata_bucket_noncurrent_bytes", ("bucket", bucket)));
        Assert.Equal(0, scrape.Value("strata_bucket_multipart_uploads", ("bucket", bucket)));
    }

    [Fact]
    public async Task A_new_bucket_appears_with_zeros_and_a_deleted_one_leaves_the_scrape()
    {
        var bucket = StrataServer.UniqueBucketName("metrics");
        await using var server = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0");
        using var s3 = server.CreateClient();
        await s3.PutBucketAsync(bucket);

        var created = await ScrapeAsync(server.Metrics);
        await s3.DeleteBucketAsync(bucket);
        var deleted = await ScrapeAsync(server.Metrics);

        Assert.Equal(0, created.Value("strata_bucket_versions", ("bucket", bucket)));
        Assert.Equal(0, created.Value("strata_bucket_current_bytes", ("bucket", bucket)));
        Assert.Null(deleted.Find("strata_bucket_versions", ("bucket", bucket)));
    }

    [Fact]
    public async Task Metrics_listen_serves_them_on_their_own_port_only()
    {
        await using var server = await ServeProcess.StartAsync(_data, "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0");
        Assert.NotEqual(server.Endpoint.Port, server.Metrics.Port);
        using var http = ServeProcess.Http();

        var scrape = await ScrapeAsync(server.Metrics);
        using var reserved = await http.GetAsync(new Uri(server.Metrics, "/_strata/metrics"));
        using var onS3Port = await http.GetAsync(new Uri(server.Endpoint, "/_strata/metrics"));

        Assert.NotNull(scrape.Find("strata_blob_store_files"));
        Assert.Equal(HttpStatusCode.OK, reserved.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, onS3Port.StatusCode);
    }

    [Fact]
    public async Task Only_loopback_callers_may_scrape_unless_metrics_public()
    {
        var address = NonLoopbackAddress();
        await using (var server = await ServeProcess.StartAsync(_data, "--listen", "0.0.0.0:0"))
        {
            using var http = ServeProcess.Http();
            using var remote = await http.GetAsync(new UriBuilder(server.Metrics) { Host = address.ToString() }.Uri);
            using var local = await http.GetAsync(server.Metrics);

            Assert.Equal(HttpStatusCode.Forbidden, remote.StatusCode);
            var body = await remote.Content.ReadAsStringAsync();
            Assert.Contains("<Code>AccessDenied</Code>", body);
            Assert.Contains("--metrics-public", body);
            Assert.Equal(HttpStatusCode.OK, local.StatusCode);
        }
        await using (var open = await ServeProcess.StartAsync(_data, "--listen", "0.0.0.0:0", "--metrics-public"))
        {
            var scrape = await ScrapeAsync(new UriBuilder(open.Metrics) { Host = address.ToString() }.Uri);

            Assert.NotNull(scrape.Find("strata_blob_store_files"));
        }
    }

    [Fact]
    public async Task A_malformed_metrics_listen_exits_2_and_a_taken_port_exits_1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var malformed = await StrataCli.RunAsync(["serve", "--data", _data, "--listen", "127.0.0.1:0", "--metrics-listen", "metrics.example:9100"], new Dictionary<string, string>());
        var inUse = await StrataCli.RunAsync(["serve", "--data", _data, "--listen", "127.0.0.1:0", "--metrics-listen", $"127.0.0.1:{port}"], new Dictionary<string, string>());

        Assert.True(malformed.ExitCode == 2, malformed.ToString());
        Assert.Contains("--metrics-listen wants HOST:PORT", malformed.Stderr);
        Assert.True(inUse.ExitCode == 1, inUse.ToString());
        Assert.Contains("the port is in use", inUse.Stderr);
        Assert.DoesNotContain("   at ", malformed.Stderr + inUse.Stderr);
        Assert.False(Directory.Exists(_data), "a refused start wrote to the data directory");
    }

    private static IPAddress NonLoopbackAddress()
    {
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback) continue;
            foreach (var unicast in nic.GetIPProperties().UnicastAddresses)
            {
                if (unicast.Address.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(unicast.Address)) return unicast.Address;
            }
        }
        throw new InvalidOperationException("This machine has no non-loopback IPv4 address to call the server from.");
    }

    /// <summary>GETs the metrics and parses them with prometheus_client's text parser.</summary>
    private static async Task<Scrape> ScrapeAsync(Uri metrics)
    {
        using var http = ServeProcess.Http();
        using var response = await http.GetAsync(metrics);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}: {text}");
        return Scrape.Parse(await RunParserAsync(text));
    }

    private const string Parser = """
        import sys, json
        from prometheus_client.parser import text_string_to_metric_families
        print(json.dumps([{"name": s.name, "labels": s.labels, "value": s.value}
                          for family in text_string_to_metric_families(sys.stdin.read()) for s in family.samples]))
        """;

    private static async Task<string> RunParserAsync(string text)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Parser);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"prometheus_client could not parse the scrape (run tests/install-prereqs for python3-prometheus-client):\n{await stderr}\n{text}");
        return await stdout;
    }

    private sealed record Sample(string Name, Dictionary<string, string> Labels, double Value);

    private sealed class Scrape(List<Sample> samples)
    {
        public static Scrape Parse(string json)
        {
            using var document = JsonDocument.Parse(json);
            var samples = new List<Sample>();
            foreach (var s in document.RootElement.EnumerateArray())
            {
                var labels = s.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
                samples.Add(new Sample(s.GetProperty("name").GetString()!, labels, s.GetProperty("value").GetDouble()));
            }
            return new Scrape(samples);
        }

        /// <summary>The one sample of that name whose labels include these (others may be there too), or null.</summary>
        public Sample? Find(string name, params (string Name, string Value)[] labels)
        {
            var matches = samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value)).ToList();
            Assert.True(matches.Count <= 1, $"{matches.Count} samples of {name} match");
            return matches.SingleOrDefault();
        }

        public double Value(string name, params (string Name, string Value)[] labels) =>
            Find(name, labels)?.Value ?? throw new Xunit.Sdk.XunitException($"No sample {name}{{{string.Join(',', labels.Select(l => $"{l.Name}=\"{l.Value}\""))}}} in the scrape.");
    }
}

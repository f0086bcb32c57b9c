using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;

namespace Strata.Server.Tests;

/// <summary>
/// PutBucketCors, GetBucketCors, DeleteBucketCors through AWSSDK.S3; preflight OPTIONS and the Access-Control-*
/// headers of actual requests through plain HTTP, as a browser sends them.
/// </summary>
public sealed class Cors(StrataServer server) : IClassFixture<StrataServer>
{
    private const string App = "https://app.example.com";

    private static readonly CORSConfiguration UploadRules = new()
    {
        Rules =
        [
            new CORSRule
            {
                Id = "uploads",
                AllowedOrigins = [App, "https://*.example.org"],
                AllowedMethods = ["PUT", "GET"],
                AllowedHeaders = ["content-type", "x-amz-*"],
                ExposeHeaders = ["ETag", "x-amz-version-id"],
                MaxAgeSeconds = 3000,
            },
            new CORSRule { Id = "anyone-reads", AllowedOrigins = ["*"], AllowedMethods = ["GET", "HEAD"] },
        ],
    };

    private async Task<string> BucketWithRulesAsync()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        using var s3 = server.CreateClient();
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = UploadRules });
        return bucket;
    }

    private HttpClient Browser() => new(server.CreateHandler()) { BaseAddress = server.Endpoint };

    private async Task<HttpResponseMessage> PreflightAsync(string path, string? origin, string? method, string? headers = null)
    {
        using var http = Browser();
        var request = new HttpRequestMessage(HttpMethod.Options, path);
        if (origin is not null) request.Headers.Add("Origin", origin);
        if (method is not null) request.Headers.Add("Access-Control-Request-Method", method);
        if (headers is not null) request.Headers.Add("Access-Control-Request-Headers", headers);
        return await http.SendAsync(request);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values) : null;

    private static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response)
    {
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        return (root.Element("Code")!.Value, root.Element("Message")!.Value);
    }

    [Fact]
    public async Task A_configuration_is_read_back_as_set_and_gone_after_delete()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetCORSConfigurationAsync(bucket));
        Assert.Equal(("NoSuchCORSConfiguration", HttpStatusCode.NotFound), (none.ErrorCode, none.StatusCode));

        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = UploadRules });
        var read = (await s3.GetCORSConfigurationAsync(bucket)).Configuration.Rules;

        Assert.Equal(2, read.Count);
        Assert.Equal("uploads", read[0].Id);
        Assert.Equal([App, "https://*.example.org"], read[0].AllowedOrigins);
        Assert.Equal(["PUT", "GET"], read[0].AllowedMethods);
        Assert.Equal(["content-type", "x-amz-*"], read[0].AllowedHeaders);
        Assert.Equal(["ETag", "x-amz-version-id"], read[0].ExposeHeaders);
        Assert.Equal(3000, read[0].MaxAgeSeconds);
        Assert.Equal(["*"], read[1].AllowedOrigins);
        Assert.Equal(HttpStatusCode.OK, (await PreflightAsync($"/{bucket}/a.txt", App, "PUT")).StatusCode);

        await s3.DeleteCORSConfigurationAsync(bucket);
        var gone = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetCORSConfigurationAsync(bucket));
        Assert.Equal("NoSuchCORSConfiguration", gone.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PreflightAsync($"/{bucket}/a.txt", App, "PUT")).StatusCode);
        await s3.DeleteCORSConfigurationAsync(bucket); // deleting what is not there succeeds, as S3
        var noBucket = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetCORSConfigurationAsync(StrataServer.UniqueBucketName("gone")));
        Assert.Equal("NoSuchBucket", noBucket.ErrorCode);
    }

    [Fact]
    public async Task A_new_configuration_replaces_the_old_one()
    {
        var bucket = await BucketWithRulesAsync();
        using var s3 = server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await PreflightAsync($"/{bucket}/a.txt", App, "PUT")).StatusCode); // the rules, once read, are kept
        await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
        {
            BucketName = bucket,
            Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["https://other.test"], AllowedMethods = ["DELETE"] }] },
        });

        Assert.Equal(["https://other.test"], Assert.Single((await s3.GetCORSConfigurationAsync(bucket)).Configuration.Rules).AllowedOrigins);
        Assert.Equal(HttpStatusCode.Forbidden, (await PreflightAsync($"/{bucket}/a.txt", App, "PUT")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PreflightAsync($"/{bucket}/a.txt", "https://other.test", "DELETE")).StatusCode);
    }

    public static TheoryData<string, string, string> Refusals => new()
    {
        { "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PATCH</AllowedMethod></CORSRule>",
            "InvalidRequest", "Found unsupported HTTP method in CORS config. Unsupported method is PATCH" },
        { "<CORSRule><AllowedOrigin>https://*.example.*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>",
            "InvalidRequest", "AllowedOrigin \"https://*.example.*\" can not have more than one wildcard." },
        { "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><ExposeHeader>*</ExposeHeader></CORSRule>",
            "InvalidRequest", "ExposeHeader \"*\" contains wildcard. We currently do not support wildcard for ExposeHeader." },
        { "", "MalformedXML", "" },
        { "<CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule>", "MalformedXML", "" },
        { "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeaders>*</AllowedHeaders></CORSRule>", "MalformedXML", "" },
        { "<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>-1</MaxAgeSeconds></CORSRule>", "MalformedXML", "" },
        { string.Concat(Enumerable.Repeat("<CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule>", 101)), "MalformedXML", "" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task A_configuration_S3_refuses_is_refused_with_its_code_and_nothing_is_stored(string rules, string code, string message)
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        var body = $"<CORSConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">{rules}</CORSConfiguration>";

        using var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "cors", body, WithChecksum(body));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorAsync(response);
        Assert.Equal(code, error.Code);
        if (message.Length > 0) Assert.Equal(message, error.Message);
        using var s3 = server.CreateClient();
        Assert.Equal("NoSuchCORSConfiguration", (await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetCORSConfigurationAsync(bucket))).ErrorCode);
    }

    [Fact]
    public async Task A_document_type_declaration_is_malformed_XML()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        var body = "<!DOCTYPE x [<!ENTITY e \"*\">]><CORSConfiguration><CORSRule><AllowedOrigin>&e;</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";

        using var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "cors", body, WithChecksum(body));

        Assert.Equal("MalformedXML", (await ErrorAsync(response)).Code);
    }

    [Fact]
    public async Task A_configuration_without_Content_MD5_or_a_checksum_is_refused()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        var body = "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";

        using var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "cors", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("InvalidRequest", "Missing required header for this request: Content-MD5"), await ErrorAsync(response));
        using var ok = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "cors", body, WithChecksum(body));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task A_configuration_of_nearly_64_KB_that_grows_when_stored_still_applies()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        // '>' may stand bare in a value and is stored escaped ("&gt;"): four times the characters.
        var filler = string.Concat(Enumerable.Repeat($"<AllowedHeader>x-{new string('>', 990)}</AllowedHeader>", 60));
        var body = $"<CORSConfiguration><CORSRule><AllowedOrigin>{App}</AllowedOrigin><AllowedMethod>PUT</AllowedMethod>{filler}" +
            "<AllowedHeader>content-type</AllowedHeader></CORSRule></CORSConfiguration>";
        Assert.InRange(body.Length, 60_000, 64 * 1024);

        using var put = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "cors", body, WithChecksum(body));
        using var preflight = await PreflightAsync($"/{bucket}/a.jpg", App, "PUT", "content-type");

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(HttpStatusCode.OK, preflight.StatusCode);
        Assert.Equal(App, Header(preflight, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_configuration_over_64_KB_is_refused()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();
        var filler = string.Concat(Enumerable.Repeat($"<AllowedHeader>x-{new string('a', 990)}</AllowedHeader>", 70));
        var body = $"<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod>{filler}</CORSRule></CORSConfiguration>";

        using var put = await signed.SendAsync(HttpMethod.Put, $"/{bucket}", "cors", body, WithChecksum(body));

        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        Assert.Equal("MalformedXML", (await ErrorAsync(put)).Code);
    }

    [Fact]
    public async Task Cors_on_an_object_is_refused_and_stores_nothing()
    {
        var bucket = await server.CreateBucketAsync();
        using var signed = server.CreateSigned();

        using var response = await signed.SendAsync(HttpMethod.Put, $"/{bucket}/a.txt", "cors", "<CORSConfiguration/>");

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        using var s3 = server.CreateClient();
        Assert.Empty((await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = bucket })).S3Objects ?? []);
    }

    private static Dictionary<string, string> WithChecksum(string body) =>
        new() { ["x-amz-checksum-sha256"] = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(body))) };

    [Fact]
    public async Task A_preflight_from_an_allowed_origin_gets_the_rules_headers()
    {
        var bucket = await BucketWithRulesAsync();

        using var response = await PreflightAsync($"/{bucket}/photos/a.jpg", App, "PUT", "Content-Type, X-Amz-Date");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(App, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        Assert.Equal("PUT, GET", Header(response, "Access-Control-Allow-Methods"));
        Assert.Equal("content-type, x-amz-date", Header(response, "Access-Control-Allow-Headers"));
        Assert.Equal("ETag, x-amz-version-id", Header(response, "Access-Control-Expose-Headers"));
        Assert.Equal("3000", Header(response, "Access-Control-Max-Age"));
        Assert.Equal("Origin, Access-Control-Request-Headers, Access-Control-Request-Method", Header(response, "Vary"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_preflight_matched_by_a_wildcard_origin_allows_any_origin_without_credentials()
    {
        var bucket = await BucketWithRulesAsync();

        using var sub = await PreflightAsync($"/{bucket}/a.jpg", "https://cdn.example.org", "PUT");
        using var anyone = await PreflightAsync($"/{bucket}", "http://127.0.0.1:9999", "HEAD");

        Assert.Equal(("https://cdn.example.org", "true"), (Header(sub, "Access-Control-Allow-Origin"), Header(sub, "Access-Control-Allow-Credentials")));
        Assert.Equal(HttpStatusCode.OK, anyone.StatusCode);
        Assert.Equal("*", Header(anyone, "Access-Control-Allow-Origin"));
        Assert.Null(Header(anyone, "Access-Control-Allow-Credentials"));
        Assert.Equal("GET, HEAD", Header(anyone, "Access-Control-Allow-Methods"));
    }

    [Theory]
    [InlineData("https://evil.example.net", "PUT", null)]  // no rule names the origin for PUT
    [InlineData(App, "DELETE", null)]                      // the method is not allowed
    [InlineData(App, "PUT", "authorization")]              // a header is not allowed
    [InlineData("https://example.org", "PUT", null)]       // "https://*.example.org" needs a dot before example.org
    public async Task A_preflight_no_rule_allows_is_403_AccessForbidden(string origin, string method, string? headers)
    {
        var bucket = await BucketWithRulesAsync();

        using var response = await PreflightAsync($"/{bucket}/a.jpg", origin, method, headers);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var (code, message) = await ErrorAsync(response);
        Assert.Equal("AccessForbidden", code);
        Assert.StartsWith("CORSResponse: This CORS request is not allowed.", message);
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_preflight_to_a_bucket_without_CORS_is_403()
    {
        var bucket = await server.CreateBucketAsync();

        using var response = await PreflightAsync($"/{bucket}/a.jpg", App, "GET");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket."), await ErrorAsync(response));
    }

    [Fact]
    public async Task A_preflight_without_Origin_or_method_is_400_BadRequest()
    {
        var bucket = await BucketWithRulesAsync();

        using var noOrigin = await PreflightAsync($"/{bucket}/a.jpg", null, "GET");
        using var noMethod = await PreflightAsync($"/{bucket}/a.jpg", App, null);

        Assert.Equal(HttpStatusCode.BadRequest, noOrigin.StatusCode);
        Assert.Equal(("BadRequest", "Insufficient information. Origin request header needed."), await ErrorAsync(noOrigin));
        Assert.Equal(HttpStatusCode.BadRequest, noMethod.StatusCode);
        Assert.Equal(("BadRequest", "Invalid Access-Control-Request-Method: null"), await ErrorAsync(noMethod));
    }

    [Fact]
    public async Task A_preflight_to_a_presigned_URL_is_answered_without_checking_its_signature()
    {
        var bucket = await BucketWithRulesAsync();
        using var s3 = server.CreateClient();
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "up.bin", Verb = HttpVerb.PUT, Expires = DateTime.UtcNow.AddMinutes(5) });

        using var response = await PreflightAsync(new Uri(url).PathAndQuery, App, "PUT", "content-type");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(App, Header(response, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task A_GET_with_an_allowed_Origin_carries_the_headers_and_one_without_Origin_does_not()
    {
        var bucket = await BucketWithRulesAsync();
        using var s3 = server.CreateClient();
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "a.txt", ContentBody = "hello" });
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "a.txt", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5) });
        using var http = Browser();

        using var withOrigin = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(url).PathAndQuery) { Headers = { { "Origin", App } } });
        using var without = await http.GetAsync(new Uri(url).PathAndQuery);
        using var otherOrigin = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(url).PathAndQuery) { Headers = { { "Origin", "https://evil.example.net" } } });

        Assert.Equal("hello", await withOrigin.Content.ReadAsStringAsync());
        Assert.Equal(App, Header(withOrigin, "Access-Control-Allow-Origin"));
        Assert.Equal("ETag, x-amz-version-id", Header(withOrigin, "Access-Control-Expose-Headers"));
        Assert.Equal("hello", await without.Content.ReadAsStringAsync());
        Assert.Null(Header(without, "Access-Control-Allow-Origin"));
        // Not named by the first rule, but the second allows any origin to GET.
        Assert.Equal("*", Header(otherOrigin, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task An_error_answer_to_an_allowed_Origin_carries_the_headers_too()
    {
        var bucket = await BucketWithRulesAsync();
        using var s3 = server.CreateClient();
        var url = await s3.GetPreSignedURLAsync(new GetPreSignedUrlRequest { BucketName = bucket, Key = "missing.txt", Verb = HttpVerb.GET, Expires = DateTime.UtcNow.AddMinutes(5) });
        using var http = Browser();

        using var missing = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, new Uri(url).PathAndQuery) { Headers = { { "Origin", App } } });
        using var anonymous = await http.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/{bucket}/a.txt")
        {
            Headers = { { "Origin", App } },
            Content = new StringContent("x"),
        });

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("NoSuchKey", (await ErrorAsync(missing)).Code);
        Assert.Equal(App, Header(missing, "Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
        Assert.Equal("AccessDenied", (await ErrorAsync(anonymous)).Code);
        Assert.Equal(App, Header(anonymous, "Access-Control-Allow-Origin"));
        Assert.Equal("PUT, GET", Header(anonymous, "Access-Control-Allow-Methods"));
    }

    [Fact]
    public async Task A_deleted_bucket_takes_its_configuration_with_it()
    {
        var bucket = await BucketWithRulesAsync();
        using var s3 = server.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await PreflightAsync($"/{bucket}/a.jpg", App, "PUT")).StatusCode);
        await s3.DeleteBucketAsync(bucket);
        using (var gone = await PreflightAsync($"/{bucket}/a.jpg", App, "PUT"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, gone.StatusCode);
            Assert.Equal(("AccessForbidden", "CORSResponse: Bucket not found"), await ErrorAsync(gone));
        }
        await s3.PutBucketAsync(bucket);

        var none = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => s3.GetCORSConfigurationAsync(bucket));
        Assert.Equal("NoSuchCORSConfiguration", none.ErrorCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await PreflightAsync($"/{bucket}/a.jpg", App, "PUT")).StatusCode);
    }

    [Fact]
    public async Task A_user_needs_s3_PutBucketCORS_to_set_the_configuration()
    {
        var bucket = await server.CreateBucketAsync();
        var policy = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetBucketCORS"],"Resource":"arn:aws:s3:::{{bucket}}"}]}""";
        var (key, secret) = await server.CreateUserAsync("cors-reader-" + Guid.NewGuid().ToString("N")[..8], policy);
        using var reader = server.CreateClient(key, secret);

        var denied = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() =>
            reader.PutCORSConfigurationAsync(new PutCORSConfigurationRequest { BucketName = bucket, Configuration = UploadRules }));
        var allowed = await Assert.ThrowsAnyAsync<AmazonS3Exception>(() => reader.GetCORSConfigurationAsync(bucket));

        Assert.Equal("AccessDenied", denied.ErrorCode);
        Assert.Equal("NoSuchCORSConfiguration", allowed.ErrorCode);
    }
}

/// <summary>The configuration is in the metadata database: kept across a restart, and schema 7 is added to an older data directory.</summary>
public sealed class CorsAcrossRestarts
{
    [Fact]
    public async Task A_configuration_survives_a_restart_and_an_older_data_directory_gains_the_table()
    {
        var server = new StrataServer();
        try
        {
            await server.StartAsync();
            var bucket = await server.CreateBucketAsync();
            await server.StopAsync();
            // As the release before CORS left it: schema 6, no bucket_configs table (nor any later migration).
            using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "metadata.db")};Pooling=False"))
            {
                connection.Open();
                using var downgrade = connection.CreateCommand();
                downgrade.CommandText = SchemaDowngrades.To(6);
                downgrade.ExecuteNonQuery();
            }

            await server.StartAsync();
            using (var s3 = server.CreateClient())
            {
                await s3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
                {
                    BucketName = bucket,
                    Configuration = new CORSConfiguration { Rules = [new CORSRule { AllowedOrigins = ["https://app.test"], AllowedMethods = ["GET"] }] },
                });
            }
            await server.RestartAsync();

            using var again = server.CreateClient();
            var rule = Assert.Single((await again.GetCORSConfigurationAsync(bucket)).Configuration.Rules);
            Assert.Equal(["https://app.test"], rule.AllowedOrigins);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}

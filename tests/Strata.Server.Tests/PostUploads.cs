using System.Net;
using System.Text;
using System.Xml.Linq;

namespace Strata.Server.Tests;

/// <summary>PostObject, the browser upload: presigned POST forms from AWSSDK.S3 and hand-built ones, as S3 answers them.</summary>
public sealed class PostUploads(StrataServer server) : IClassFixture<StrataServer>
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

    private DateTimeOffset Now => server.Time.GetUtcNow();

    private Uri BucketUrl(string bucket) => new(server.Endpoint, bucket);

    private async Task<HttpResponseMessage> PostAsync(string bucket, IEnumerable<KeyValuePair<string, string>> fields, byte[]? file, string fileName = "upload.bin")
    {
        using var content = PostForms.Content(fields, file, fileName);
        return await _http.PostAsync(BucketUrl(bucket), content);
    }

    private static async Task<(HttpStatusCode Status, string? Code, string? Message)> ErrorOf(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        var root = body.Length == 0 ? null : XDocument.Parse(body).Root;
        return (response.StatusCode, root?.Element("Code")?.Value, root?.Element("Message")?.Value);
    }

    private async Task AssertNothingStoredAsync(string bucket)
    {
        using var s3 = server.CreateClient();
        var versions = await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket });
        Assert.Empty(versions.Versions ?? []);
    }

    private async Task<CreatePresignedPostResponse> PresignAsync(string bucket, string key, Dictionary<string, string>? fields = null,
        params S3PostCondition[] conditions)
    {
        using var s3 = server.CreateClient();
        return await s3.CreatePresignedPostAsync(new CreatePresignedPostRequest
        {
            BucketName = bucket,
            Key = key,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Fields = fields ?? [],
            Conditions = [.. conditions],
        });
    }

    [Fact]
    public async Task A_presigned_post_from_the_sdk_uploads_the_file_and_answers_204()
    {
        var bucket = await server.CreateBucketAsync();
        var presigned = await PresignAsync(bucket, "uploads/photo.jpg", new() { ["Content-Type"] = "image/jpeg", ["x-amz-meta-album"] = "summer" });

        using var content = PostForms.Content(presigned.Fields, Encoding.UTF8.GetBytes("jpeg bytes"));
        using var response = await _http.PostAsync(presigned.Url, content);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        using var s3 = server.CreateClient();
        using var stored = await s3.GetObjectAsync(bucket, "uploads/photo.jpg");
        Assert.Equal("image/jpeg", stored.Headers.ContentType);
        Assert.Equal("summer", stored.Metadata["album"]);
        Assert.Equal("jpeg bytes", await new StreamReader(stored.ResponseStream).ReadToEndAsync());
        Assert.Equal(response.Headers.ETag.Tag, stored.ETag);
    }

    [Fact]
    public async Task A_versioned_bucket_keeps_both_uploads_and_each_answer_names_its_version()
    {
        var bucket = await server.CreateBucketAsync(versioning: true);
        var ids = new List<string>();
        foreach (var body in new[] { "first", "second" })
        {
            var presigned = await PresignAsync(bucket, "doc.txt");
            using var content = PostForms.Content(presigned.Fields, Encoding.UTF8.GetBytes(body));
            using var response = await _http.PostAsync(presigned.Url, content);
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            ids.Add(response.Headers.GetValues("x-amz-version-id").Single());
        }

        using var s3 = server.CreateClient();
        var versions = (await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions;
        Assert.Equal([ids[1], ids[0]], versions.Select(v => v.VersionId));
        Assert.Equal("first", await Buckets.ReadAsync(s3, bucket, "doc.txt", ids[0]));
        Assert.Equal("second", await Buckets.ReadAsync(s3, bucket, "doc.txt"));
    }

    [Fact]
    public async Task Success_action_status_201_answers_the_PostResponse_document()
    {
        var bucket = await server.CreateBucketAsync();
        var presigned = await PresignAsync(bucket, "a b.txt", new() { ["success_action_status"] = "201" });
        using var content = PostForms.Content(presigned.Fields, Encoding.UTF8.GetBytes("x"));
        using var response = await _http.PostAsync(presigned.Url, content);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var root = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal("PostResponse", root.Name.LocalName);
        Assert.Equal(bucket, root.Element("Bucket")?.Value);
        Assert.Equal("a b.txt", root.Element("Key")?.Value);
        Assert.Equal(response.Headers.ETag?.Tag, root.Element("ETag")?.Value);
        Assert.Equal($"{server.Endpoint}{bucket}/a%20b.txt", root.Element("Location")?.Value);
    }

    [Theory]
    [InlineData("200", HttpStatusCode.OK)]
    [InlineData("204", HttpStatusCode.NoContent)]
    [InlineData("404", HttpStatusCode.NoContent)]
    public async Task Success_action_status_200_and_204_answer_an_empty_body_and_any_other_value_204(string status, HttpStatusCode expected)
    {
        var bucket = await server.CreateBucketAsync();
        var presigned = await PresignAsync(bucket, "a.txt", new() { ["success_action_status"] = status });
        using var content = PostForms.Content(presigned.Fields, Encoding.UTF8.GetBytes("x"));
        using var response = await _http.PostAsync(presigned.Url, content);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Success_action_redirect_sends_the_browser_on_with_bucket_key_and_etag()
    {
        var bucket = await server.CreateBucketAsync();
        var presigned = await PresignAsync(bucket, "done.txt", new() { ["success_action_redirect"] = "https://app.example.com/uploaded?from=form" });
        using var content = PostForms.Content(presigned.Fields, Encoding.UTF8.GetBytes("x"));
        using var response = await _http.PostAsync(presigned.Url, content);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var etag = response.Headers.ETag!.Tag;
        Assert.Equal($"https://app.example.com/uploaded?from=form&bucket={bucket}&key=done.txt&etag={Uri.EscapeDataString(etag)}",
            response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task The_filename_placeholder_in_the_key_takes_the_chosen_file_name()
    {
        var bucket = await server.CreateBucketAsync();
        var fields = PostForms.SignedV4("""{"bucket": "BUCKET"}, ["starts-with", "$key", "user/"]""".Replace("BUCKET", bucket), Now.AddMinutes(5), Now);
        fields.Insert(0, new("key", "user/${filename}"));
        using var response = await PostAsync(bucket, fields, Encoding.UTF8.GetBytes("cv"), "resume.pdf");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var s3 = server.CreateClient();
        Assert.Equal("cv", await Buckets.ReadAsync(s3, bucket, "user/resume.pdf"));
    }

    [Fact]
    public async Task A_signature_v2_form_uploads_as_s3_tests_sends_it()
    {
        var bucket = await server.CreateBucketAsync();
        var fields = PostForms.SignedV2($$"""{"bucket": "{{bucket}}"}, ["starts-with", "$key", "foo"], {"acl": "private"}, ["starts-with", "$Content-Type", "text/plain"]""",
            Now.AddMinutes(5));
        fields.InsertRange(0, [new("key", "foo.txt"), new("acl", "private"), new("Content-Type", "text/plain")]);
        using var response = await PostAsync(bucket, fields, Encoding.UTF8.GetBytes("bar"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        using var s3 = server.CreateClient();
        Assert.Equal("bar", await Buckets.ReadAsync(s3, bucket, "foo.txt"));
    }

    public static TheoryData<string, string, string, string> ViolatedConditions => new()
    {
        // field, value sent, S3 code, message
        { "key", "other/a.txt", "AccessDenied", """Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", "user/"]""" },
        { "Content-Type", "text/html", "AccessDenied", """Invalid according to Policy: Policy Condition failed: ["starts-with", "$Content-Type", "image/"]""" },
        { "x-amz-meta-owner", "mallory", "AccessDenied", """Invalid according to Policy: Policy Condition failed: ["eq", "$x-amz-meta-owner", "alice"]""" },
        { "x-amz-meta-extra", "1", "AccessDenied", "Invalid according to Policy: Extra input fields: x-amz-meta-extra" },
    };

    [Theory]
    [MemberData(nameof(ViolatedConditions))]
    public async Task Each_violated_condition_is_refused_with_its_message_and_nothing_is_stored(string field, string value, string code, string message)
    {
        var bucket = await server.CreateBucketAsync();
        var fields = PostForms.SignedV4(
            """["starts-with", "$key", "user/"], ["starts-with", "$Content-Type", "image/"], {"x-amz-meta-owner": "alice"}""", Now.AddMinutes(5), Now);
        var form = new Dictionary<string, string> { ["key"] = "user/a.jpg", ["Content-Type"] = "image/png", ["x-amz-meta-owner"] = "alice" };
        form[field] = value;
        fields.InsertRange(0, form);
        using var response = await PostAsync(bucket, fields, Encoding.UTF8.GetBytes("png"));

        Assert.Equal((HttpStatusCode.Forbidden, code, message), await ErrorOf(response));
        await AssertNothingStoredAsync(bucket);
    }

    [Theory]
    [InlineData(2000, "EntityTooLarge")]
    [InlineData(5, "EntityTooSmall")]
    public async Task A_file_outside_the_content_length_range_is_refused_and_leaves_nothing(int size, string code)
    {
        var bucket = await server.CreateBucketAsync();
        var presigned = await PresignAsync(bucket, "sized.bin", null, S3PostCondition.ContentLengthRange(10, 1000));
        using var content = PostForms.Content(presigned.Fields, new byte[size]);
        using var response = await _http.PostAsync(presigned.Url, content);

        var (status, errorCode, _) = await ErrorOf(response);
        Assert.Equal((HttpStatusCode.BadRequest, code), (status, errorCode));
        await AssertNothingStoredAsync(bucket);
    }

    [Fact]
    public async Task An_expired_policy_is_refused()
    {
        var bucket = await server.CreateBucketAsync();
        var fields = PostForms.SignedV4("""["starts-with", "$key", ""]""", Now.AddSeconds(-1), Now.AddMinutes(-10));
        fields.Insert(0, new("key", "late.txt"));
        using var response = await PostAsync(bucket, fields, Encoding.UTF8.GetBytes("x"));

        Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied", "Invalid according to Policy: Policy expired."), await ErrorOf(response));
        await AssertNothingStoredAsync(bucket);
    }

    [Fact]
    public async Task A_tampered_policy_does_not_match_its_signature()
    {
        var bucket = await server.CreateBucketAsync();
        var fields = PostForms.SignedV4("""["starts-with", "$key", "user/"]""", Now.AddMinutes(5), Now);
        var widened = PostForms.Policy(
            Encoding.UTF8.GetString(Convert.FromBase64String(fields.Single(f => f.Key == "policy").Value)).Split("\"conditions\": [ ")[1].TrimEnd(' ', '}', ']')
                .Replace("\"user/\"", "\"\""), Now.AddMinutes(5));
        var tampered = fields.Select(f => f.Key == "policy" ? new KeyValuePair<string, string>("policy", widened) : f).ToList();
        tampered.Insert(0, new("key", "admin/x.txt"));
        using var response = await PostAsync(bucket, tampered, Encoding.UTF8.GetBytes("x"));

        var (status, code, _) = await ErrorOf(response);
        Assert.Equal((HttpStatusCode.Forbidden, "SignatureDoesNotMatch"), (status, code));
        await AssertNothingStoredAsync(bucket);
    }

    [Fact]
    public async Task A_form_signed_with_a_wrong_secret_or_an_unknown_key_is_refused()
    {
        var bucket = await server.CreateBucketAsync();
        var wrongSecret = PostForms.SignedV2("""["starts-with", "$key", ""]""", Now.AddMinutes(5), secretKey: "not-the-secret");
        wrongSecret.Insert(0, new("key", "a.txt"));
        using (var response = await PostAsync(bucket, wrongSecret, Encoding.UTF8.GetBytes("x")))
        {
            Assert.Equal("SignatureDoesNotMatch", (await ErrorOf(response)).Code);
        }
        var unknownKey = PostForms.SignedV4("""["starts-with", "$key", ""]""", Now.AddMinutes(5), Now, accessKey: "AKIAUNKNOWN000000000");
        unknownKey.Insert(0, new("key", "a.txt"));
        using (var response = await PostAsync(bucket, unknownKey, Encoding.UTF8.GetBytes("x")))
        {
            Assert.Equal((HttpStatusCode.Forbidden, "InvalidAccessKeyId"), ((await ErrorOf(response)).Status, (await ErrorOf(response)).Code));
        }
        await AssertNothingStoredAsync(bucket);
    }

    [Fact]
    public async Task A_form_without_a_file_or_without_a_key_is_InvalidArgument()
    {
        var bucket = await server.CreateBucketAsync();
        var noFile = PostForms.SignedV4("""["starts-with", "$key", ""]""", Now.AddMinutes(5), Now);
        noFile.Insert(0, new("key", "a.txt"));
        using (var response = await PostAsync(bucket, noFile, file: null))
        {
            Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgument", "POST requires exactly one file upload per request."), await ErrorOf(response));
        }
        var noKey = PostForms.SignedV4("""["starts-with", "$key", ""]""", Now.AddMinutes(5), Now);
        using (var response = await PostAsync(bucket, noKey, Encoding.UTF8.GetBytes("x")))
        {
            var (status, code, message) = await ErrorOf(response);
            Assert.Equal((HttpStatusCode.BadRequest, "InvalidArgument"), (status, code));
            Assert.StartsWith("Bucket POST must contain a field named 'key'.", message);
        }
        await AssertNothingStoredAsync(bucket);
    }

    [Fact]
    public async Task A_form_carrying_a_session_token_is_refused_as_signed_requests_carrying_one_are()
    {
        var bucket = await server.CreateBucketAsync();
        var fields = PostForms.SignedV4("""["starts-with", "$key", ""], ["starts-with", "$x-amz-security-token", ""]""", Now.AddMinutes(5), Now);
        fields.InsertRange(0, [new("key", "a.txt"), new("x-amz-security-token", "FQoGZXIvYXdzEXAMPLE")]);
        using var response = await PostAsync(bucket, fields, Encoding.UTF8.GetBytes("x"));

        Assert.Equal((HttpStatusCode.BadRequest, "InvalidRequest"), ((await ErrorOf(response)).Status, (await ErrorOf(response)).Code));
        await AssertNothingStoredAsync(bucket);
    }

    [Fact]
    public async Task A_post_that_is_not_a_multipart_form_is_refused_as_S3_refuses_it()
    {
        var bucket = await server.CreateBucketAsync();
        using var content = new FormUrlEncodedContent([new("key", "a.txt")]);
        using var response = await _http.PostAsync(BucketUrl(bucket), content);

        Assert.Equal((HttpStatusCode.PreconditionFailed, "PreconditionFailed"), ((await ErrorOf(response)).Status, (await ErrorOf(response)).Code));
    }

    [Fact]
    public async Task A_signed_form_of_a_user_without_PutObject_is_AccessDenied_and_an_unsigned_one_too()
    {
        var bucket = await server.CreateBucketAsync();
        var readOnly = $$"""{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::{{bucket}}/*" } ] }""";
        var (id, secret) = await server.CreateUserAsync("reader-" + Guid.NewGuid().ToString("N")[..8], readOnly);
        var signed = PostForms.SignedV4("""["starts-with", "$key", ""]""", Now.AddMinutes(5), Now, id, secret);
        signed.Insert(0, new("key", "a.txt"));
        using (var response = await PostAsync(bucket, signed, Encoding.UTF8.GetBytes("x")))
        {
            Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), ((await ErrorOf(response)).Status, (await ErrorOf(response)).Code));
        }
        using (var response = await PostAsync(bucket, [new("key", "a.txt")], Encoding.UTF8.GetBytes("x")))
        {
            Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), ((await ErrorOf(response)).Status, (await ErrorOf(response)).Code));
        }
        await AssertNothingStoredAsync(bucket);
    }

    [Fact]
    public async Task An_unsigned_form_writes_only_where_a_bucket_policy_lets_anyone_put()
    {
        var bucket = await server.CreateBucketAsync();
        using var s3 = server.CreateClient();
        await s3.PutBucketPolicyAsync(bucket, $$"""
            { "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", "Principal": "*", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::{{bucket}}/drop/*" } ] }
            """);

        using (var allowed = await PostAsync(bucket, [new("key", "drop/note.txt")], Encoding.UTF8.GetBytes("hi")))
        {
            Assert.Equal(HttpStatusCode.NoContent, allowed.StatusCode);
        }
        using (var denied = await PostAsync(bucket, [new("key", "private/note.txt")], Encoding.UTF8.GetBytes("hi")))
        {
            Assert.Equal((HttpStatusCode.Forbidden, "AccessDenied"), ((await ErrorOf(denied)).Status, (await ErrorOf(denied)).Code));
        }
        Assert.Equal("hi", await Buckets.ReadAsync(s3, bucket, "drop/note.txt"));
        Assert.Single((await s3.ListVersionsAsync(new ListVersionsRequest { BucketName = bucket })).Versions);
    }

    [Fact]
    public async Task A_checksum_field_is_verified_against_the_file()
    {
        var bucket = await server.CreateBucketAsync();
        var body = Encoding.UTF8.GetBytes("checked");
        var good = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(body));
        foreach (var (value, expected) in new[] { (Convert.ToBase64String(new byte[32]), HttpStatusCode.BadRequest), (good, HttpStatusCode.NoContent) })
        {
            var fields = PostForms.SignedV4("""["starts-with", "$key", ""], ["starts-with", "$x-amz-checksum-sha256", ""]""", Now.AddMinutes(5), Now);
            fields.InsertRange(0, [new("key", "c.txt"), new("x-amz-checksum-sha256", value)]);
            using var response = await PostAsync(bucket, fields, body);
            Assert.Equal(expected, response.StatusCode);
            if (expected == HttpStatusCode.BadRequest)
            {
                Assert.Equal("BadDigest", (await ErrorOf(response)).Code);
                await AssertNothingStoredAsync(bucket);
            }
        }
        using var s3 = server.CreateClient();
        var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = "c.txt", ChecksumMode = ChecksumMode.ENABLED });
        Assert.Equal(good, head.ChecksumSHA256);
    }
}

using System.Net;
using Amazon.Runtime;

namespace Strata.Client.Tests;

public sealed class RefusalsAndParsing(StrataServer server) : IClassFixture<StrataServer>
{
    [Fact]
    public async Task Restoring_in_place_on_a_bucket_without_versioning_is_refused_before_anything_changes()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: false);
        await s3.PutObjectAsync(new() { BucketName = bucket, Key = "a", ContentBody = "only copy" });
        var job = new PointInTimeRestoreJob(s3, new S3Uri(bucket, ""), DateTimeOffset.UtcNow.AddDays(-1), new RestoreDestination.InPlace(), new RecoveryOptions());

        var error = await Assert.ThrowsAsync<StrataClientException>(() => job.RunAsync());

        Assert.Contains("Versioning is not enabled", error.Message);
        Assert.Contains("--to", error.Message);
        using var still = await s3.GetObjectAsync(bucket, "a");
        Assert.Equal("only copy", await new StreamReader(still.ResponseStream).ReadToEndAsync());
    }

    [Fact]
    public async Task Keys_that_would_escape_the_folder_are_refused_and_listed_while_the_rest_is_written()
    {
        using var s3 = server.CreateClient();
        var bucket = await server.CreateBucketAsync(versioning: true);
        // Keys with "." or ".." segments or a leading "/" cannot be sent from .NET at all (Uri removes dot
        // segments; AWSSDK.S3 drops the leading slash on the wire), so those are covered by the LocalPaths cases below.
        foreach (var key in new[] { "ok/file.txt", "ok//double.txt", "ok/" })
        {
            await s3.PutObjectAsync(new() { BucketName = bucket, Key = key, ContentBody = key == "ok/" ? "" : key });
        }
        var parent = Path.Combine(Path.GetTempPath(), "strata-escape-" + Guid.NewGuid().ToString("N")[..8]);
        var folder = Path.Combine(parent, "inside");
        try
        {
            var report = await new PointInTimeRestoreJob(s3, new S3Uri(bucket, ""), DateTimeOffset.UtcNow.AddMinutes(1), new RestoreDestination.Folder(folder), new RecoveryOptions()).RunAsync();

            Assert.Equal(["ok//double.txt"], report.Failures.Select(f => f.Key).Order(StringComparer.Ordinal));
            Assert.All(report.Failures, f => Assert.Equal("refused", f.Step));
            Assert.Equal(["file.txt"], Directory.EnumerateFiles(parent, "*", SearchOption.AllDirectories).Select(Path.GetFileName));
        }
        finally
        {
            if (Directory.Exists(parent)) Directory.Delete(parent, recursive: true);
        }
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../up.txt")]
    [InlineData("a/./b")]
    [InlineData("..")]
    [InlineData("/etc/passwd")]
    [InlineData("a\\..\\..\\b")]
    [InlineData("a\0b")]
    public void A_key_that_could_leave_or_alias_the_folder_gets_no_path(string key)
    {
        Assert.False(LocalPaths.TryResolve("/tmp/restore", key, out _, out var reason));
        Assert.NotEmpty(reason);
    }

    [Fact]
    public void An_ordinary_key_becomes_a_file_under_the_folder()
    {
        Assert.True(LocalPaths.TryResolve("/tmp/restore", "photos/2026/a..b.jpg", out var path, out _));
        Assert.Equal("/tmp/restore/photos/2026/a..b.jpg", path);
    }

    [Fact]
    public void An_access_denied_names_the_action_the_key_lacks_and_the_way_out()
    {
        var denied = new AmazonS3Exception("Access Denied", ErrorType.Sender, "AccessDenied", "req", HttpStatusCode.Forbidden);

        var message = S3ErrorExplainer.Explain(denied, "s3:DeleteObjectVersion", "arn:aws:s3:::media/a.jpg");

        Assert.Contains("lack s3:DeleteObjectVersion on arn:aws:s3:::media/a.jpg", message);
        Assert.Contains("leave out --remove-markers", message);
    }

    [Fact]
    public void A_refusal_for_want_of_MFA_says_to_pass_mfa()
    {
        var denied = new AmazonS3Exception("Mfa Authentication must be used for this request", ErrorType.Sender, "AccessDenied", "req", HttpStatusCode.Forbidden);

        var message = S3ErrorExplainer.Explain(denied, "s3:DeleteObjectVersion");

        Assert.Contains("MFA Delete", message);
        Assert.Contains("--mfa \"SERIAL CODE\"", message);
    }

    [Fact]
    public void Mfa_is_read_as_serial_and_code()
    {
        var codes = RecoveryOptions.ParseMfa("arn:aws:iam::123456789012:mfa/ops 123456");

        Assert.Equal(("arn:aws:iam::123456789012:mfa/ops", "123456"), (codes.SerialNumber, codes.AuthenticationValue));
        Assert.Throws<FormatException>(() => RecoveryOptions.ParseMfa("123456"));
    }

    [Theory]
    [InlineData("2026-11-25T10:00:00Z", "2026-11-25T10:00:00.000Z")]
    [InlineData("2026-11-25T12:00:00+02:00", "2026-11-25T10:00:00.000Z")]
    [InlineData("2026-11-25T10:00:00.250Z", "2026-11-25T10:00:00.250Z")]
    [InlineData("-2h", "2026-11-25T10:00:00.000Z")]
    [InlineData("-30m", "2026-11-25T11:30:00.000Z")]
    [InlineData("-1d", "2026-11-24T12:00:00.000Z")]
    [InlineData("-45s", "2026-11-25T11:59:15.000Z")]
    public void Times_are_read_as_ISO_8601_or_relative_to_now(string text, string expected)
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(expected, TimeExpression.Format(TimeExpression.Parse(text, now)));
    }

    [Fact]
    public void A_time_without_a_zone_is_local_time_as_awscli_reads_it()
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
        var local = new DateTime(2026, 11, 24, 10, 0, 0, DateTimeKind.Local);

        Assert.Equal(TimeExpression.Format(new DateTimeOffset(local)), TimeExpression.Format(TimeExpression.Parse("2026-11-24T10:00:00", now)));
    }

    [Theory]
    [InlineData("2026-11-25T12:00:01Z")]
    [InlineData("2027-01-01T00:00:00+09:00")]
    public void A_time_after_now_is_refused(string text)
    {
        var now = new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

        var error = Assert.Throws<FormatException>(() => TimeExpression.Parse(text, now));

        Assert.Contains("is in the future", error.Message);
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("-2x")]
    [InlineData("-h")]
    [InlineData("")]
    public void A_time_that_is_neither_form_is_refused_with_the_accepted_forms(string text)
    {
        var error = Assert.Throws<FormatException>(() => TimeExpression.Parse(text, DateTimeOffset.UtcNow));

        Assert.Contains("ISO 8601", error.Message);
    }

    [Theory]
    [InlineData("s3://media/photos/", "media", "photos/")]
    [InlineData("s3://media", "media", "")]
    [InlineData("s3://media/a.jpg", "media", "a.jpg")]
    public void Targets_are_written_as_s3_uris(string text, string bucket, string prefix)
    {
        Assert.Equal(new S3Uri(bucket, prefix), S3Uri.Parse(text));
    }

    [Theory]
    [InlineData("media/photos")]
    [InlineData("s3:///photos")]
    public void A_target_that_is_not_an_s3_uri_is_refused(string text)
    {
        Assert.False(S3Uri.TryParse(text, out _, out var error));
        Assert.Contains("s3://bucket/prefix", error);
    }
}

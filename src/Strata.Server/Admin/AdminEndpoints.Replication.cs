using System.Globalization;
using System.Text.Json;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Replication;
using Strata.Engine.Replication;
using Strata.Server.Auth;
using Strata.Server.Background;

namespace Strata.Server.Admin;

/// <summary>
/// Remote targets and replication (docs/ADMIN-API.md): POST/GET /remotes, DELETE /remotes/NAME, POST /remotes/NAME/check;
/// GET /replication/BUCKET (backlog, failures, throughput), POST /replication/BUCKET/retry, POST /replication/BUCKET/queue.
/// A remote's secret arrives in the JSON body (never the query string) and is never answered, printed or logged.
/// </summary>
internal sealed partial class AdminEndpoints
{
    private const int MaxRemoteBytes = 64 * 1024;

    private async Task AddRemoteAsync(HttpContext http, AuthenticatedRequest caller)
    {
        var text = await ReadRemoteBodyAsync(caller, http);
        string name, endpoint, accessKey, secretKey, region;
        string? caBundle;
        bool pathStyle;
        try
        {
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            name = Required(root, "name");
            endpoint = Required(root, "endpoint");
            accessKey = Required(root, "accessKeyId");
            secretKey = Required(root, "secretAccessKey");
            region = root.TryGetProperty("region", out var r) && r.GetString() is { Length: > 0 } given ? given : "us-east-1";
            caBundle = root.TryGetProperty("caBundle", out var ca) ? ca.GetString() : null;
            pathStyle = !root.TryGetProperty("pathStyle", out var p) || p.GetBoolean();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, "The body must be a JSON object with name, endpoint, accessKeyId and secretAccessKey.");
        }
        if (!RemoteName.IsValid(name)) S3Fail.With(StrataError.InvalidArgument, "A remote name is 1 to 64 of the characters A-Z a-z 0-9 _ . -");
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            S3Fail.With(StrataError.InvalidArgument, $"The remote endpoint must be an http:// or https:// URL; got '{endpoint}'.");
        }
        var remote = await engine.AddRemoteAsync(new RemoteTarget(name, endpoint, region, pathStyle, caBundle, accessKey, default), secretKey);
        replicationTargets.Forget(name);
        await WriteJsonAsync(http, w => WriteRemote(w, remote));
    }

    private Task ListRemotesAsync(HttpContext http) => WriteJsonAsync(http, w =>
    {
        w.WriteStartArray("remotes");
        foreach (var remote in engine.ListRemotes())
        {
            w.WriteStartObject();
            WriteRemote(w, remote);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private async Task RemoveRemoteAsync(HttpContext http, string name)
    {
        await engine.RemoveRemoteAsync(name);
        replicationTargets.Forget(name);
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    /// <summary>Proves the stored key can write to the bucket (a probe object put, then its version deleted) and reports the bucket's versioning.</summary>
    private async Task CheckRemoteAsync(HttpContext http, string name)
    {
        var bucket = http.Request.Query["bucket"].ToString();
        if (!BucketName.TryParse(bucket, out _)) S3Fail.With(StrataError.InvalidBucketName, "Name the remote bucket to check with ?bucket=NAME.");
        var (remote, secret) = engine.GetRemoteWithSecret(name);
        using var client = ReplicationTargets.CreateClient(remote, secret, replicationSettings.DataDirectory);
        var probe = ".strata-remote-check-" + Guid.NewGuid().ToString("N")[..12];
        string versioning;
        try
        {
            var put = await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = probe, ContentBody = "strata remote check" }, http.RequestAborted);
            await client.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = probe, VersionId = put.VersionId }, http.RequestAborted);
            var state = await client.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = bucket }, http.RequestAborted);
            versioning = state.VersioningConfig?.Status?.Value is { Length: > 0 } status ? status : "Unversioned";
        }
        catch (AmazonS3Exception e)
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, $"The remote '{name}' refused the probe on bucket '{bucket}': {(int)e.StatusCode} {e.ErrorCode}: {e.Message}");
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonClientException or HttpRequestException or IOException)
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, $"The remote '{name}' at {remote.Endpoint} cannot be reached: {e.Message}");
        }
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("remote", name);
            w.WriteString("bucket", bucket);
            w.WriteBoolean("writable", true);
            w.WriteString("versioning", versioning);
            if (versioning != "Enabled")
            {
                w.WriteString("warning", "The target bucket is not versioned: each replicated version overwrites the last, so its history is not kept there.");
            }
        });
    }

    private async Task ReplicationStatusAsync(HttpContext http, string name)
    {
        if (!BucketName.TryParse(name, out var bucket)) S3Fail.With(StrataError.InvalidBucketName);
        var configuration = engine.GetReplicationConfiguration(bucket) ?? throw S3Fail.Exception(StrataError.ReplicationConfigurationNotFoundError);
        var backlog = engine.ReplicationBacklogOf(bucket);
        var sent = replicator.ThroughputOf(bucket);
        var now = time.GetUtcNow();
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("bucket", bucket.Value);
            w.WriteStartArray("rules");
            foreach (var rule in configuration.Rules)
            {
                w.WriteStartObject();
                w.WriteString("id", rule.Id);
                w.WriteString("status", rule.Enabled ? "Enabled" : "Disabled");
                w.WriteString("destination", rule.Destination.Arn);
                w.WriteString("deleteMarkers", rule.ReplicatesDeleteMarkers ? "Enabled" : "Disabled");
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("backlogVersions", backlog.Versions);
            w.WriteNumber("backlogBytes", backlog.Bytes);
            w.WriteNumber("oldestPendingSeconds", backlog.OldestQueued is { } oldest ? Math.Max(0, (long)(now - oldest).TotalSeconds) : 0);
            w.WriteNumber("failedVersions", backlog.Failed);
            w.WriteNumber("sentVersions", sent.Versions);
            w.WriteNumber("sentBytes", sent.Bytes);
            var seconds = Math.Max(1, (now - sent.Since).TotalSeconds);
            w.WriteString("sentPerSecond", (sent.Versions / seconds).ToString("0.0", CultureInfo.InvariantCulture));
            w.WriteString("sentSince", sent.Since);
            w.WriteStartArray("failures");
            foreach (var failure in backlog.Failures)
            {
                w.WriteStartObject();
                w.WriteString("key", failure.Key.Value);
                w.WriteString("versionId", failure.VersionId.Value);
                w.WriteBoolean("deleteMarker", failure.IsDeleteMarker);
                w.WriteNumber("attempts", failure.Attempts);
                w.WriteString("error", failure.Error);
                w.WriteString("nextAttempt", failure.NextAttempt);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private async Task RetryReplicationAsync(HttpContext http, string name)
    {
        if (!BucketName.TryParse(name, out var bucket)) S3Fail.With(StrataError.InvalidBucketName);
        var retried = await engine.RetryReplicationAsync(bucket);
        replicator.Wake();
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("bucket", bucket.Value);
            w.WriteNumber("retried", retried);
        });
    }

    /// <summary>`strata replicate`: queues the versions already in the bucket that were never replicated, for the matching rule or ?rule=ID.</summary>
    private async Task QueueExistingAsync(HttpContext http, string name)
    {
        if (!BucketName.TryParse(name, out var bucket)) S3Fail.With(StrataError.InvalidBucketName);
        var rule = http.Request.Query["rule"].ToString();
        var queued = await engine.QueueExistingForReplicationAsync(bucket, rule.Length == 0 ? null : rule, http.RequestAborted);
        replicator.Wake();
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("bucket", bucket.Value);
            w.WriteNumber("queued", queued);
        });
    }

    private static void WriteRemote(System.Text.Json.Utf8JsonWriter w, RemoteTarget remote)
    {
        w.WriteString("name", remote.Name);
        w.WriteString("endpoint", remote.Endpoint);
        w.WriteString("region", remote.Region);
        w.WriteBoolean("pathStyle", remote.PathStyle);
        w.WriteBoolean("caBundle", remote.CaBundlePem is not null);
        w.WriteString("accessKeyId", remote.AccessKeyId);
        w.WriteString("created", remote.Created);
    }

    private static string Required(JsonElement root, string name) =>
        root.GetProperty(name).GetString() is { Length: > 0 } value ? value : throw new KeyNotFoundException(name);

    private static Task<string> ReadRemoteBodyAsync(AuthenticatedRequest caller, HttpContext http) =>
        Operations.BucketPolicy.ReadSmallTextAsync(caller.Payload, MaxRemoteBytes, StrataError.InvalidArgument, http.RequestAborted);
}

using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Core.Policies;
using Strata.Engine;
using Strata.Server.Auth;
using Strata.Server.Errors;
using Strata.Server.Operations;

namespace Strata.Server.Admin;

/// <summary>
/// The admin API under /_strata/admin/ (documented in docs/ADMIN-API.md): users, their access keys and
/// policies; other accounts. Requests are SigV4-signed like S3's and only the root user may call it; answers are JSON.
/// </summary>
internal sealed partial class AdminEndpoints(StorageEngine engine, RequestAuthenticator authenticator, MfaVerifier mfa, Background.LifecycleWorker lifecycle,
    Background.ScrubWorker scrub, Background.Replicator replicator, Background.ReplicationTargets replicationTargets,
    Background.ReplicationSettings replicationSettings, TimeProvider time)
{
    private const int MaxPolicyBytes = 6 * 1024; // IAM: an inline user policy is at most 2 KB in AWS; allow a little more

    public async Task HandleAsync(HttpContext http)
    {
        try
        {
            var caller = authenticator.Authenticate(http.Request);
            if (caller.IsAnonymous || caller.AccessKeyId != authenticator.Credentials.Root.AccessKeyId)
            {
                throw S3Fail.Exception(StrataError.AccessDenied, "Only the root user may call the admin API.");
            }
            var segments = http.Request.Path.Value!["/_strata/admin/".Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
            await RouteAsync(http, caller, segments);
        }
        catch (StrataException error)
        {
            if (http.Response.HasStarted) throw;
            http.Response.Clear();
            http.Response.StatusCode = S3ErrorMap.StatusOf(error.Error);
            await WriteJsonAsync(http, w =>
            {
                w.WriteString("error", error.Error.ToString());
                w.WriteString("message", error.Message);
            });
        }
    }

    private Task RouteAsync(HttpContext http, AuthenticatedRequest caller, string[] path)
    {
        var method = http.Request.Method;
        return (method, path) switch
        {
            ("GET", ["users"]) => ListUsersAsync(http),
            ("POST", ["users"]) => CreateUserAsync(http),
            ("DELETE", ["users", var user]) => ChangedAsync(http, engine.DeleteUserAsync(user)),
            ("POST", ["users", var user, "keys"]) => CreateKeyAsync(http, user),
            ("GET", ["keys"]) => ListKeysAsync(http),
            ("POST", ["keys", var id]) => ChangedAsync(http, engine.SetAccessKeyActiveAsync(id, StatusOf(http))),
            ("DELETE", ["keys", var id]) => ChangedAsync(http, engine.DeleteAccessKeyAsync(id)),
            ("GET", ["users", var user, "policies"]) => ListPoliciesAsync(http, user),
            ("PUT", ["users", var user, "policies", var name]) => PutPolicyAsync(http, caller, user, name),
            ("DELETE", ["users", var user, "policies", var name]) => ChangedAsync(http, engine.DeleteUserPolicyAsync(user, name)),
            ("GET", ["accounts"]) => ListAccountsAsync(http),
            ("POST", ["accounts"]) => CreateAccountAsync(http),
            ("DELETE", ["accounts", var account]) => ChangedAsync(http, engine.DeleteAccountAsync(account)),
            ("POST", ["mfa"]) => CreateMfaDeviceAsync(http),
            ("GET", ["mfa"]) => ListMfaDevicesAsync(http),
            ("POST", ["mfa", "deactivate"]) => DeactivateMfaDeviceAsync(http),
            ("POST", ["mfa", "resync"]) => ResyncMfaDeviceAsync(http),
            ("GET", ["public-access-block"]) => GetPublicAccessDefaultAsync(http),
            ("PUT", ["public-access-block"]) => PutPublicAccessDefaultAsync(http),
            ("DELETE", ["public-access-block"]) => DeletePublicAccessDefaultAsync(http),
            ("POST", ["lifecycle", "run"]) => RunLifecycleAsync(http),
            ("GET", ["lifecycle", var bucket]) => LifecycleStatusAsync(http, bucket),
            ("POST", ["scrub"]) => RunScrubAsync(http),
            ("GET", ["scrub"]) => LastScrubAsync(http),
            ("POST", ["backup"]) => BackupAsync(http),
            ("POST", ["remotes"]) => AddRemoteAsync(http, caller),
            ("GET", ["remotes"]) => ListRemotesAsync(http),
            ("DELETE", ["remotes", var remote]) => RemoveRemoteAsync(http, remote),
            ("POST", ["remotes", var remote, "check"]) => CheckRemoteAsync(http, remote),
            ("GET", ["replication", var bucket]) => ReplicationStatusAsync(http, bucket),
            ("POST", ["replication", var bucket, "retry"]) => RetryReplicationAsync(http, bucket),
            ("POST", ["replication", var bucket, "queue"]) => QueueExistingAsync(http, bucket),
            ("GET", ["stats"]) => StatsAsync(http),
            _ => throw S3Fail.Exception(StrataError.InvalidRequest, $"No admin endpoint {method} /_strata/admin/{string.Join('/', path)}"),
        };
    }

    private static bool StatusOf(HttpContext http) => http.Request.Query["status"].ToString() switch
    {
        "Active" => true,
        "Inactive" => false,
        _ => throw S3Fail.Exception(StrataError.InvalidArgument, "status must be Active or Inactive"),
    };

    [GeneratedRegex(@"^[\w+=,.@-]{1,64}$")]
    private static partial Regex IamName();

    private async Task CreateUserAsync(HttpContext http)
    {
        var name = http.Request.Query["name"].ToString();
        if (!IamName().IsMatch(name)) S3Fail.With(StrataError.InvalidArgument, "A user name is 1 to 64 of the characters A-Z a-z 0-9 _ + = , . @ -");
        var user = await engine.CreateUserAsync(name);
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("name", user.Name);
            w.WriteString("arn", authenticator.Credentials.UserArn(user.Name));
            w.WriteString("created", user.Created);
        });
    }

    private Task ListUsersAsync(HttpContext http) => WriteJsonAsync(http, w =>
    {
        w.WriteStartArray("users");
        foreach (var user in engine.ListUsers())
        {
            w.WriteStartObject();
            w.WriteString("name", user.Name);
            w.WriteString("arn", authenticator.Credentials.UserArn(user.Name));
            w.WriteString("created", user.Created);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private async Task CreateKeyAsync(HttpContext http, string user)
    {
        var (key, secret) = await engine.CreateAccessKeyAsync(user);
        authenticator.Credentials.Reload(engine);
        // The secret is shown this once; it is never logged.
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("accessKeyId", key.AccessKeyId);
            w.WriteString("secretAccessKey", secret);
            w.WriteString("userName", key.UserName);
        });
    }

    private Task ListKeysAsync(HttpContext http)
    {
        var user = http.Request.Query["user"].ToString();
        return WriteJsonAsync(http, w =>
        {
            w.WriteStartArray("keys");
            foreach (var key in engine.ListAccessKeys(user.Length == 0 ? null : user))
            {
                w.WriteStartObject();
                w.WriteString("accessKeyId", key.AccessKeyId);
                w.WriteString("userName", key.UserName);
                w.WriteString("status", key.Active ? "Active" : "Inactive");
                w.WriteString("created", key.Created);
                w.WriteEndObject();
            }
            w.WriteEndArray();
        });
    }

    private Task ListPoliciesAsync(HttpContext http, string user) => WriteJsonAsync(http, w =>
    {
        w.WriteStartArray("policies");
        foreach (var (name, document) in engine.ListUserPolicies(user))
        {
            w.WriteStartObject();
            w.WriteString("name", name);
            w.WriteString("document", document);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    private async Task PutPolicyAsync(HttpContext http, AuthenticatedRequest caller, string user, string name)
    {
        if (!IamName().IsMatch(name)) S3Fail.With(StrataError.InvalidArgument, "A policy name is 1 to 64 of the characters A-Z a-z 0-9 _ + = , . @ -");
        var document = await BucketPolicy.ReadSmallTextAsync(caller.Payload, MaxPolicyBytes, StrataError.MalformedPolicy, http.RequestAborted);
        PolicyDocument.Parse(document, PolicyKind.Identity);
        await ChangedAsync(http, engine.PutUserPolicyAsync(user, name, document));
    }

    /// <summary>
    /// Creates the root user's virtual MFA device: a serial and a TOTP seed (RFC 6238: SHA-1, 30 s, 6 digits),
    /// shown this once as base32 and as an otpauth:// URI for an authenticator app.
    /// </summary>
    private async Task CreateMfaDeviceAsync(HttpContext http)
    {
        var serial = RootMfaSerial;
        if (engine.ListMfaDevices() is [var existing, ..])
        {
            // The store refuses a second device too; this says what to do instead.
            throw S3Fail.Exception(StrataError.EntityAlreadyExists,
                $"The root user already has an MFA device ({existing.Serial}, created {existing.Created:yyyy-MM-dd HH:mm:ss} UTC). " +
                "To replace it: `strata admin mfa deactivate --code CODE`, then enable again; " +
                "if the device is lost: stop the server and run `strata admin mfa reset --data DIR`.");
        }
        var secret = OtpNet.KeyGeneration.GenerateRandomKey(20);
        await engine.CreateMfaDeviceAsync(serial, secret);
        mfa.Reload(engine);
        var base32 = OtpNet.Base32Encoding.ToString(secret);
        await WriteJsonAsync(http, w =>
        {
            w.WriteString("serial", serial);
            w.WriteString("secret", base32);
            w.WriteString("uri", $"otpauth://totp/Strata:root?secret={base32}&issuer=Strata&algorithm=SHA1&digits=6&period=30");
        });
    }

    /// <summary>After a change to users, keys, policies or accounts, requests see it at once: the snapshot is reloaded before answering.</summary>
    private async Task ChangedAsync(HttpContext http, Task change)
    {
        await change;
        authenticator.Credentials.Reload(engine);
        http.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task WriteJsonAsync(HttpContext http, Action<Utf8JsonWriter> write)
    {
        http.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(http.Response.Body, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        write(json);
        json.WriteEndObject();
        await json.FlushAsync();
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Strata.Core;
using Strata.Engine;
using Strata.Server.Auth;
using Strata.Server.Errors;
using Strata.Server.Operations;
using Strata.Server.Routing;

namespace Strata.Server.Hosting;

/// <summary>
/// The one request handler: parse, authenticate, run the operation, and turn any refusal into S3's
/// XML error. Each layer is entered once, downward.
/// </summary>
internal sealed partial class S3Dispatcher(StorageEngine engine, RequestAuthenticator authenticator, Authorizer authorizer, MfaVerifier mfa,
    ServerSettings settings, Admin.AdminEndpoints admin, AccessLog accessLog, CorsRules cors, LifecycleRules lifecycle,
    WebConsole.Hosting.ConsoleEndpoint console, ILogger<S3Dispatcher> log)
{
    public const string ReservedPrefix = "/_strata/";
    private static long _requestCounter = Random.Shared.NextInt64(1L << 40);

    public async Task HandleAsync(HttpContext http)
    {
        var requestId = Interlocked.Increment(ref _requestCounter).ToString("X16", System.Globalization.CultureInfo.InvariantCulture);
        var headers = http.Response.Headers;
        headers["x-amz-request-id"] = requestId;
        headers["x-amz-id-2"] = requestId;
        headers.Server = "Strata";

        if (http.Request.Path.StartsWithSegments("/_strata/admin", StringComparison.Ordinal))
        {
            await admin.HandleAsync(http);
            return;
        }
        // The web console acts through its own S3 client with the signed-in user's key (see Strata.WebConsole).
        if (WebConsole.Hosting.ConsoleEndpoint.Handles(http.Request))
        {
            await console.HandleAsync(http);
            return;
        }
        if (http.Request.Path.StartsWithSegments("/_strata", StringComparison.Ordinal))
        {
            await StrataEndpoints.HandleAsync(http);
            return;
        }

        var resource = http.Request.Path.Value ?? "/";
        var startedAt = System.Diagnostics.Stopwatch.GetTimestamp();
        S3Operation? operation = null;
        string? accessKeyId = null;
        CorsMatch? corsMatch = null;
        try
        {
            var s3 = S3Request.Parse(http.Request, settings.BaseDomain);
            resource = s3.Resource;
            operation = s3.Operation;
            if (s3.Operation == S3Operation.PreflightCors)
            {
                PreflightCors.Answer(http, s3, cors);
                return;
            }
            // S3 sends the Access-Control-* headers of the matching rule on every answer to a request with an Origin, errors included.
            corsMatch = cors.MatchActual(http.Request, s3);
            corsMatch?.Apply(http.Response);
            var caller = authenticator.Authenticate(http.Request);
            accessKeyId = caller.IsAnonymous ? null : caller.AccessKeyId;
            var principal = caller.IsAnonymous ? Principal.Anonymous : authenticator.Credentials.PrincipalOf(caller.AccessKeyId);
            // Denied requests change nothing: the decision comes before the operation reads the body.
            if (S3Actions.For(s3) is { } action) authorizer.Check(http, principal, action, s3.Bucket, s3.Key);
            BucketOwnerCondition.Check(http.Request, s3, authorizer);
            authorizer.PublicAccess.CheckAclHeaders(s3.Operation, s3.Bucket, http.Request); // BlockPublicAcls: 403 before ACL support's 400
            var mfaVerified = await mfa.VerifyAsync(http, principal, engine);
            await RunAsync(new S3Context(http, s3, caller, principal, mfaVerified, engine, authorizer, settings) { Authenticator = authenticator, Lifecycle = lifecycle, Cors = cors });
        }
        catch (StrataException error)
        {
            if (http.Response.HasStarted)
            {
                AccessLog.NoteError(http, $"{error.Error}(cut)");
                throw; // mid-body: the client sees a cut connection, never a partial success
            }
            http.Response.Clear();
            RestoreHeaders(http, requestId);
            corsMatch?.Apply(http.Response);
            await ErrorResponse.WriteAsync(http, error, resource, requestId);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; whatever it was sending was not committed.
            AccessLog.NoteError(http, "ClientGone");
        }
        catch (Exception error) when (!http.Response.HasStarted && error is not BadHttpRequestException)
        {
            LogInternalError(log, requestId, error);
            http.Response.Clear();
            RestoreHeaders(http, requestId);
            corsMatch?.Apply(http.Response);
            await ErrorResponse.WriteAsync(http, S3Fail.Exception(StrataError.InternalError), resource, requestId);
        }
        catch (BadHttpRequestException error) when (!http.Response.HasStarted)
        {
            // Kestrel refused the body (too large, too slow, malformed framing).
            var code = error.StatusCode == StatusCodes.Status413PayloadTooLarge ? StrataError.EntityTooLarge : StrataError.IncompleteBody;
            http.Response.Clear();
            RestoreHeaders(http, requestId);
            corsMatch?.Apply(http.Response);
            await ErrorResponse.WriteAsync(http, S3Fail.Exception(code), resource, requestId);
        }
        finally
        {
            accessLog.Write(http, requestId, accessKeyId, operation, startedAt);
            RequestMetrics.Answered(http, operation, startedAt);
        }
    }

    private static void RestoreHeaders(HttpContext http, string requestId)
    {
        http.Response.Headers["x-amz-request-id"] = requestId;
        http.Response.Headers["x-amz-id-2"] = requestId;
        http.Response.Headers.Server = "Strata";
        // An error answered instead of 100 Continue: the client does not send the body, and Kestrel would read the
        // next request's first bytes as it while draining. Closing the connection keeps that request whole
        // (ceph/s3-tests' test_100_continue_error_retry: the next PUT was answered 400).
        if (http.Request.Headers.Expect.ToString().Contains("100-continue", StringComparison.OrdinalIgnoreCase))
        {
            http.Response.Headers.Connection = "close";
        }
    }

    private static Task RunAsync(S3Context ctx) => ctx.S3.Operation switch
    {
        S3Operation.ListBuckets => BucketOperations.ListBucketsAsync(ctx),
        S3Operation.CreateBucket => BucketOperations.CreateBucketAsync(ctx),
        S3Operation.HeadBucket => BucketOperations.HeadBucketAsync(ctx),
        S3Operation.DeleteBucket => BucketOperations.DeleteBucketAsync(ctx),
        S3Operation.GetBucketLocation => BucketOperations.GetBucketLocationAsync(ctx),
        S3Operation.GetBucketVersioning => Versioning.GetAsync(ctx),
        S3Operation.PutBucketVersioning => Versioning.PutAsync(ctx),
        S3Operation.ListObjects => ListObjects.V1Async(ctx),
        S3Operation.ListObjectsV2 => ListObjects.V2Async(ctx),
        S3Operation.ListObjectVersions => ListObjectVersions.HandleAsync(ctx),
        S3Operation.DeleteObjects => DeleteObjects.HandleAsync(ctx),
        S3Operation.PutObject => PutObject.HandleAsync(ctx),
        S3Operation.PostObject => PostObject.HandleAsync(ctx),
        S3Operation.CopyObject => CopyObject.HandleAsync(ctx),
        S3Operation.GetObject or S3Operation.HeadObject => GetObject.HandleAsync(ctx),
        S3Operation.GetObjectAttributes => GetObjectAttributes.HandleAsync(ctx),
        S3Operation.DeleteObject => DeleteObject.HandleAsync(ctx),
        S3Operation.CreateMultipartUpload => Multipart.CreateAsync(ctx),
        S3Operation.UploadPart => Multipart.UploadPartAsync(ctx),
        S3Operation.UploadPartCopy => Multipart.UploadPartCopyAsync(ctx),
        S3Operation.CompleteMultipartUpload => Multipart.CompleteAsync(ctx),
        S3Operation.AbortMultipartUpload => Multipart.AbortAsync(ctx),
        S3Operation.ListParts => MultipartListings.ListPartsAsync(ctx),
        S3Operation.ListMultipartUploads => MultipartListings.ListUploadsAsync(ctx),
        S3Operation.GetBucketPolicy => BucketPolicy.GetAsync(ctx),
        S3Operation.PutBucketPolicy => BucketPolicy.PutAsync(ctx),
        S3Operation.DeleteBucketPolicy => BucketPolicy.DeleteAsync(ctx),
        S3Operation.GetBucketAcl or S3Operation.GetObjectAcl => Acl.GetAsync(ctx),
        S3Operation.PutBucketAcl or S3Operation.PutObjectAcl => Acl.PutAsync(ctx),
        S3Operation.GetBucketCors => BucketCors.GetAsync(ctx),
        S3Operation.PutBucketCors => BucketCors.PutAsync(ctx),
        S3Operation.DeleteBucketCors => BucketCors.DeleteAsync(ctx),
        S3Operation.GetObjectTagging => ObjectTagging.GetAsync(ctx),
        S3Operation.PutObjectTagging => ObjectTagging.PutAsync(ctx),
        S3Operation.DeleteObjectTagging => ObjectTagging.DeleteAsync(ctx),
        S3Operation.GetBucketTagging => BucketTagging.GetAsync(ctx),
        S3Operation.PutBucketTagging => BucketTagging.PutAsync(ctx),
        S3Operation.DeleteBucketTagging => BucketTagging.DeleteAsync(ctx),
        S3Operation.GetPublicAccessBlock => BucketPublicAccessBlock.GetAsync(ctx),
        S3Operation.PutPublicAccessBlock => BucketPublicAccessBlock.PutAsync(ctx),
        S3Operation.DeletePublicAccessBlock => BucketPublicAccessBlock.DeleteAsync(ctx),
        S3Operation.GetBucketPolicyStatus => BucketPolicyStatus.GetAsync(ctx),
        S3Operation.GetBucketLifecycleConfiguration => BucketLifecycle.GetAsync(ctx),
        S3Operation.PutBucketLifecycleConfiguration => BucketLifecycle.PutAsync(ctx),
        S3Operation.DeleteBucketLifecycle => BucketLifecycle.DeleteAsync(ctx),
        S3Operation.GetBucketReplication => BucketReplication.GetAsync(ctx),
        S3Operation.PutBucketReplication => BucketReplication.PutAsync(ctx),
        S3Operation.DeleteBucketReplication => BucketReplication.DeleteAsync(ctx),
        S3Operation.GetBucketOwnershipControls => BucketOwnershipControls.GetAsync(ctx),
        S3Operation.PutBucketOwnershipControls => BucketOwnershipControls.PutAsync(ctx),
        S3Operation.DeleteBucketOwnershipControls => BucketOwnershipControls.DeleteAsync(ctx),
        S3Operation.GetBucketConfigurationNotSet => UnsetConfigurations.GetAsync(ctx),
        S3Operation.GetObjectLockConfiguration => BucketObjectLock.GetAsync(ctx),
        S3Operation.PutObjectLockConfiguration => BucketObjectLock.PutAsync(ctx),
        S3Operation.GetObjectRetention => ObjectLockSettings.GetRetentionAsync(ctx),
        S3Operation.PutObjectRetention => ObjectLockSettings.PutRetentionAsync(ctx),
        S3Operation.GetObjectLegalHold => ObjectLockSettings.GetLegalHoldAsync(ctx),
        S3Operation.PutObjectLegalHold => ObjectLockSettings.PutLegalHoldAsync(ctx),
        _ => throw S3Fail.Exception(StrataError.NotImplemented, $"{ctx.Request.Method} on this resource is not implemented by Strata."),
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {RequestId} failed with an internal error")]
    private static partial void LogInternalError(ILogger logger, string requestId, Exception error);
}

/// <summary>Endpoints under the reserved /_strata/ prefix (not a valid bucket name).</summary>
internal static class StrataEndpoints
{
    public static async Task HandleAsync(HttpContext http)
    {
        if (http.Request.Path.Equals("/_strata/health", StringComparison.Ordinal) && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
        {
            http.Response.ContentType = "text/plain";
            if (HttpMethods.IsGet(http.Request.Method)) await http.Response.WriteAsync("ok\n");
            return;
        }
        if (http.Request.Path.Equals(Readiness.Path, StringComparison.Ordinal) && (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method)))
        {
            await http.RequestServices.GetRequiredService<Readiness>().AnswerAsync(http);
            return;
        }
        http.Response.StatusCode = StatusCodes.Status404NotFound;
    }
}

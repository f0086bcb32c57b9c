using Microsoft.AspNetCore.Http;
using Strata.Core;
using Strata.Engine;
using Strata.Server.Auth;
using Strata.Server.Routing;

namespace Strata.Server.Hosting;

/// <summary>Everything one operation needs: the parsed request, the verified caller, the engine.</summary>
internal sealed class S3Context(HttpContext http, S3Request s3, AuthenticatedRequest caller, Principal principal, bool mfaVerified,
    StorageEngine engine, Authorizer authorizer, ServerSettings settings)
{
    /// <summary>The request carried a valid, fresh x-amz-mfa code of the root user's device, over HTTPS.</summary>
    public bool MfaVerified { get; } = mfaVerified;

    public Principal Principal { get; } = principal;

    /// <summary>For PostObject, whose form carries its own signature: credentials, clock and region.</summary>
    public required RequestAuthenticator Authenticator { get; init; }

    /// <summary>The buckets' lifecycle configurations, for x-amz-expiration; operations that change one forget it.</summary>
    public required LifecycleRules Lifecycle { get; init; }

    public required CorsRules Cors { get; init; }
    public Authorizer Authorizer { get; } = authorizer;

    /// <summary>For operations that need a second permission (a copy's source) or one per item (DeleteObjects).</summary>
    /// <param name="versionId">The version the action reads (a copy's source version), for s3:ExistingObjectTag; else ?versionId.</param>
    public void Require(string action, BucketName bucket, ObjectKey? key, VersionId? versionId = null) =>
        Authorizer.Check(Http, Principal, action, bucket, key, versionId: versionId);

    /// <summary>The account that owns the request's bucket, as Owner elements show it; NoSuchBucket if there is none.</summary>
    public Account BucketOwner => Authorizer.OwnerOf(S3.RequireBucket()) ?? throw S3Fail.Exception(StrataError.NoSuchBucket);

    public HttpContext Http { get; } = http;
    public HttpRequest Request => Http.Request;
    public HttpResponse Response => Http.Response;
    public S3Request S3 { get; } = s3;
    public AuthenticatedRequest Caller { get; } = caller;
    public StorageEngine Engine { get; } = engine;
    public ServerSettings Settings { get; } = settings;
    public CancellationToken Aborted => Http.RequestAborted;
}

/// <summary>The server's settings as the operations see them.</summary>
public sealed record ServerSettings(string Region, string BaseDomain)
{
    /// <summary>The server's own account's canonical user id, as S3 shows it in Owner elements.</summary>
    public string OwnerId { get; init; } = Credentials.DefaultCanonicalId;

    public string OwnerDisplayName { get; init; } = "strata";

    /// <summary>
    /// The Object Ownership a bucket created without x-amz-object-ownership gets (strata serve --default-object-ownership).
    /// Null, the default, gives it no ownership controls: ACLs apply, as in S3 before April 2023 (see docs/S3-SUPPORT.md).
    /// </summary>
    public Core.Acls.ObjectOwnership? DefaultObjectOwnership { get; init; }
}

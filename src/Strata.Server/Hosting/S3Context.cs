using Microsoft.AspNetCore.Http;
using Strata.Engine;
using Strata.Server.Auth;
using Strata.Server.Routing;

namespace Strata.Server.Hosting;

/// <summary>Everything one operation needs: the parsed request, the verified caller, the engine.</summary>
internal sealed class S3Context(HttpContext http, S3Request s3, AuthenticatedRequest caller, StorageEngine engine, ServerSettings settings)
{
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
    /// <summary>The single account's canonical user id, as S3 shows it in Owner elements.</summary>
    public string OwnerId { get; init; } = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("strata-root"u8));

    public string OwnerDisplayName { get; init; } = "strata";
}

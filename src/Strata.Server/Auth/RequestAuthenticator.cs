using Microsoft.AspNetCore.Http;
using Strata.Core;

namespace Strata.Server.Auth;

/// <summary>
/// AWS Signature Version 4 for S3: the Authorization header or a presigned URL, every payload mode.
/// (Contract for the auth work in progress; see the helper task.)
/// </summary>
internal sealed class RequestAuthenticator(Credentials credentials, TimeProvider time, string region)
{
    public Credentials Credentials { get; } = credentials;
    public TimeProvider Time { get; } = time;
    public string Region { get; } = region;

    /// <summary>
    /// Verifies the request and returns the caller with its payload still unread. Anonymous requests are
    /// refused with AccessDenied. Throws <see cref="StrataException"/> with S3's code on every failure.
    /// </summary>
    public AuthenticatedRequest Authenticate(HttpRequest request) =>
        throw S3Fail.Exception(StrataError.NotImplemented, "authentication is being written");
}

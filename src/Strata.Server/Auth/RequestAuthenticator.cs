using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Strata.Core;
using Strata.Server.Body;

namespace Strata.Server.Auth;

/// <summary>
/// AWS Signature Version 4 for S3: the Authorization header or a presigned URL, every payload mode; Signature
/// Version 2 in either form goes to <see cref="SigV2Verifier"/> (on unless <paramref name="sigV2"/> is false).
/// Only headers and the query are read here; the body is wrapped in a verifying stream, still unread.
/// </summary>
internal sealed class RequestAuthenticator(Credentials credentials, TimeProvider time, string region, string baseDomain = "localhost", bool sigV2 = true)
{
    private readonly SigningKeyCache _signingKeys = new();
    private readonly SigV2Verifier _sigV2 = new(credentials, time, baseDomain, sigV2);

    public Credentials Credentials { get; } = credentials;
    public TimeProvider Time { get; } = time;
    public string Region { get; } = region;

    /// <summary>Whether Signature Version 2 is accepted (`strata serve --sigv2`), for browser-upload forms too.</summary>
    public bool SigV2Enabled => _sigV2.Enabled;

    private const string InvalidDateMessage = "AWS authentication requires a valid Date or x-amz-date header";

    /// <summary>
    /// Verifies the request and returns the caller with its payload still unread. A request with no
    /// signature at all is anonymous: the authorizer decides (only a bucket policy can grant it anything).
    /// Throws <see cref="StrataException"/> with S3's code on every failure.
    /// </summary>
    public AuthenticatedRequest Authenticate(HttpRequest request)
    {
        var (rawPath, rawQuery) = CanonicalRequest.RawTarget(request);
        // Cheap gate before the query is parsed: most requests carry no X-Amz-* parameter at all.
        var presigned = rawQuery.Contains("X-Amz-", StringComparison.Ordinal) && request.Query.ContainsKey(SigV4.QueryAlgorithm);
        var presignedV2 = !presigned && rawQuery.Contains(SigV2.QueryAccessKeyId, StringComparison.Ordinal) && request.Query.ContainsKey(SigV2.QueryAccessKeyId);
        var authorization = request.Headers.Authorization;
        if (authorization.Count > 0)
        {
            if (presigned || presignedV2)
            {
                throw S3Fail.Exception(StrataError.InvalidArgument,
                    "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified");
            }
            if (authorization.Count > 1) throw CredentialScope.Malformed(presigned: false, "only one Authorization header is allowed.");
            var value = authorization.ToString();
            return value.StartsWith(SigV2.AuthorizationPrefix, StringComparison.Ordinal)
                ? _sigV2.FromHeader(request, value, rawPath, rawQuery)
                : FromHeader(request, value, rawPath, rawQuery);
        }
        if (presigned) return FromQuery(request, rawPath, rawQuery);
        if (presignedV2) return _sigV2.FromQuery(request, rawPath, rawQuery);
        return new AuthenticatedRequest
        {
            AccessKeyId = "",
            Payload = new VerifiedBodyStream(request.Body, request.ContentLength, expectedSha256: null, checksum: null, claimedChecksum: null),
            PayloadLength = request.ContentLength,
        };
    }

    private AuthenticatedRequest FromHeader(HttpRequest request, string authorization, string rawPath, string rawQuery)
    {
        var headers = request.Headers;
        var header = AuthorizationHeader.Parse(authorization);
        var scope = CredentialScope.Parse(header.Credential, Region, presigned: false);

        string timestamp;
        DateTimeOffset requestTime;
        var amzDate = headers[SigV4.DateHeader];
        if (amzDate.Count > 0)
        {
            timestamp = amzDate.ToString();
            if (!AmzDate.TryParseTimestamp(timestamp, out requestTime)) throw S3Fail.Exception(StrataError.AccessDenied, InvalidDateMessage);
        }
        else if (AmzDate.TryParseHttpDate(headers.Date.ToString(), out requestTime))
        {
            timestamp = AmzDate.FormatTimestamp(requestTime);
        }
        else
        {
            throw S3Fail.Exception(StrataError.AccessDenied, InvalidDateMessage);
        }
        if (!timestamp.AsSpan(0, 8).SequenceEqual(scope.Date))
        {
            throw CredentialScope.Malformed(presigned: false,
                $"Invalid credential date \"{scope.Date}\". This date is not the same as X-Amz-Date: \"{timestamp[..8]}\".");
        }

        var secret = Credentials.FindSecret(scope.AccessKeyId) ?? throw S3Fail.Exception(StrataError.InvalidAccessKeyId);
        var skew = Time.GetUtcNow() - requestTime;
        if (skew > SigV4.MaxSkew || skew < -SigV4.MaxSkew)
        {
            throw S3Fail.Exception(StrataError.RequestTimeTooSkewed, "The difference between the request time and the current time is too large.");
        }
        if (headers.ContainsKey(SigV4.SecurityTokenHeader)) throw SessionTokensRefused();
        RefuseUnsignedAmzHeaders(headers, header.SignedHeaders);

        var payloadHash = headers[SigV4.ContentSha256Header];
        if (payloadHash.Count != 1 || string.IsNullOrEmpty(payloadHash[0]))
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, "Missing required header for this request: x-amz-content-sha256");
        }
        var contentSha256 = payloadHash[0]!;
        Span<byte> expectedSha256 = stackalloc byte[32];
        var mode = PayloadModes.Parse(contentSha256, expectedSha256);

        Span<byte> claimed = stackalloc byte[32];
        if (!SigV4.TryDecodeHex(header.Signature, claimed)) throw SignatureMismatch();
        var key = _signingKeys.Get(secret, scope.Date, Region);
        if (!SignatureMatches(request, rawPath, rawQuery, presigned: false, header.SignedHeaders, contentSha256, timestamp, scope.Scope, key, claimed))
        {
            throw SignatureMismatch();
        }
        var chain = mode is PayloadMode.StreamingSigned or PayloadMode.StreamingSignedTrailer
            ? new ChunkSignatureChain(key, timestamp, scope.Scope, claimed)
            : null;
        return Accept(request, scope.AccessKeyId, mode, expectedSha256, chain);
    }

    private AuthenticatedRequest FromQuery(HttpRequest request, string rawPath, string rawQuery)
    {
        var query = request.Query;
        var algorithm = Single(query, SigV4.QueryAlgorithm);
        var credential = Single(query, SigV4.QueryCredential);
        var timestamp = Single(query, SigV4.QueryDate);
        var expiresText = Single(query, SigV4.QueryExpires);
        var signedHeaders = Single(query, SigV4.QuerySignedHeaders);
        var signature = Single(query, SigV4.QuerySignature);
        if (algorithm is null || credential is null || timestamp is null || expiresText is null || signedHeaders is null || signature is null)
        {
            throw QueryError("Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, " +
                "X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.");
        }
        if (algorithm != SigV4.Algorithm) throw QueryError("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"");
        var scope = CredentialScope.Parse(credential, Region, presigned: true);
        if (!AmzDate.TryParseTimestamp(timestamp, out var requestTime))
        {
            throw QueryError("X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"");
        }
        if (!timestamp.AsSpan(0, 8).SequenceEqual(scope.Date))
        {
            throw CredentialScope.Malformed(presigned: true,
                $"Invalid credential date \"{scope.Date}\". This date is not the same as X-Amz-Date: \"{timestamp[..8]}\".");
        }
        if (!int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires < 1)
        {
            throw QueryError("X-Amz-Expires must be a number of seconds from 1 to 604800");
        }
        if (expires > SigV4.MaxPresignExpirySeconds) throw QueryError("X-Amz-Expires must be less than a week (in seconds) that is 604800");

        var secret = Credentials.FindSecret(scope.AccessKeyId) ?? throw S3Fail.Exception(StrataError.InvalidAccessKeyId);
        var now = Time.GetUtcNow();
        if (requestTime - now > SigV4.MaxSkew) throw S3Fail.Exception(StrataError.AccessDenied, "Request is not valid yet");
        if (now > requestTime.AddSeconds(expires)) throw S3Fail.Exception(StrataError.AccessDenied, "Request has expired");
        if (query.ContainsKey(SigV4.QuerySecurityToken) || request.Headers.ContainsKey(SigV4.SecurityTokenHeader)) throw SessionTokensRefused();
        RefuseUnsignedAmzHeaders(request.Headers, signedHeaders);

        // A presigned URL signs no payload, unless the signer put x-amz-content-sha256 among the signed headers.
        var contentSha256 = SigV4.UnsignedPayload;
        if (IsSigned(signedHeaders, SigV4.ContentSha256Header)) contentSha256 = request.Headers[SigV4.ContentSha256Header].ToString();
        Span<byte> expectedSha256 = stackalloc byte[32];
        var mode = PayloadModes.Parse(contentSha256, expectedSha256);
        if (mode.IsStreaming()) throw S3Fail.Exception(StrataError.InvalidRequest, "A presigned URL cannot carry an aws-chunked payload.");

        Span<byte> claimed = stackalloc byte[32];
        if (!SigV4.TryDecodeHex(signature, claimed)) throw SignatureMismatch();
        var key = _signingKeys.Get(secret, scope.Date, Region);
        if (!SignatureMatches(request, rawPath, rawQuery, presigned: true, signedHeaders, contentSha256, timestamp, scope.Scope, key, claimed))
        {
            throw SignatureMismatch();
        }
        return Accept(request, scope.AccessKeyId, mode, expectedSha256, chain: null);
    }

    private static bool SignatureMatches(HttpRequest request, string rawPath, string rawQuery, bool presigned, string signedHeaders,
        string payloadHash, string timestamp, string scope, byte[] signingKey, ReadOnlySpan<byte> claimed)
    {
        var writer = new PooledByteWriter(1024);
        try
        {
            if (!CanonicalRequest.Write(ref writer, request, rawPath, rawQuery, presigned, signedHeaders, payloadHash))
            {
                throw presigned
                    ? QueryError("X-Amz-SignedHeaders must be lower-case header names separated by ';' and include host.")
                    : CredentialScope.Malformed(presigned: false, "SignedHeaders must be lower-case header names separated by ';' and include host.");
            }
            Span<byte> canonicalHash = stackalloc byte[32];
            SHA256.HashData(writer.WrittenSpan, canonicalHash);

            writer.Clear();
            writer.Write("AWS4-HMAC-SHA256\n"u8);
            writer.Write(timestamp);
            writer.Write((byte)'\n');
            writer.Write(scope);
            writer.Write((byte)'\n');
            writer.WriteHex(canonicalHash);
            Span<byte> computed = stackalloc byte[32];
            HMACSHA256.HashData(signingKey, writer.WrittenSpan, computed);
            return SigV4.SignaturesMatch(computed, claimed);
        }
        finally
        {
            writer.Dispose();
        }
    }

    /// <summary>Wraps the body in the stream that decodes and verifies it for this payload mode.</summary>
    internal static AuthenticatedRequest Accept(HttpRequest request, string accessKeyId, PayloadMode mode, ReadOnlySpan<byte> expectedSha256, ChunkSignatureChain? chain)
    {
        var headers = request.Headers;
        // S3: CompleteMultipartUpload's x-amz-checksum-* is the whole object's checksum, checked against its parts,
        // not a checksum of the XML body.
        var completion = HttpMethods.IsPost(request.Method) && request.Query.ContainsKey("uploadId");
        var (checksum, checksumValue) = completion ? default : ChecksumHeader(headers);
        var trailer = headers[SigV4.TrailerHeader];
        if (mode.HasTrailer() && !StringValues.IsNullOrEmpty(trailer))
        {
            if (trailer.Count > 1 || !PayloadChecksum.TryParseHeaderName(trailer.ToString().AsSpan().Trim(), out var declared))
            {
                throw S3Fail.Exception(StrataError.InvalidRequest, $"The value specified in the x-amz-trailer header is not supported: {trailer}");
            }
            if (checksum is not null)
            {
                throw S3Fail.Exception(StrataError.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }
            checksum = declared;
        }
        else if (!StringValues.IsNullOrEmpty(trailer))
        {
            throw S3Fail.Exception(StrataError.InvalidRequest, "x-amz-trailer needs x-amz-content-sha256 of a STREAMING-...-TRAILER payload.");
        }

        PayloadStream? payload;
        long? length;
        if (mode.IsStreaming())
        {
            var decoded = headers[SigV4.DecodedContentLengthHeader];
            if (StringValues.IsNullOrEmpty(decoded)) throw S3Fail.Exception(StrataError.MissingContentLength, "You must provide the x-amz-decoded-content-length header.");
            if (decoded.Count > 1 || !long.TryParse(decoded[0], NumberStyles.None, CultureInfo.InvariantCulture, out var decodedLength))
            {
                throw S3Fail.Exception(StrataError.InvalidArgument, "x-amz-decoded-content-length is not a valid length.");
            }
            length = decodedLength;
            payload = new AwsChunkedStream(request.Body, decodedLength, chain, mode.HasTrailer(), checksum, checksumValue);
        }
        else
        {
            length = request.ContentLength;
            var hashed = mode == PayloadMode.Sha256;
            var empty = length == 0 || (length is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false);
            var nothingToVerify = hashed ? empty && expectedSha256.SequenceEqual(EmptySha256) : length is null || empty;
            if (checksum is null && nothingToVerify)
            {
                // Nothing to verify beyond what Kestrel enforces (Content-Length, chunked framing): hand the body over as is.
                return new AuthenticatedRequest { AccessKeyId = accessKeyId, Payload = request.Body, PayloadLength = length };
            }
            payload = new VerifiedBodyStream(request.Body, length, hashed ? expectedSha256.ToArray() : null, checksum, checksumValue);
        }
        request.HttpContext.Response.RegisterForDispose(payload);
        return new AuthenticatedRequest
        {
            AccessKeyId = accessKeyId,
            Payload = payload,
            PayloadLength = length,
            Checksum = () => payload.VerifiedChecksum,
        };
    }

    private static readonly byte[] EmptySha256 = SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>The one x-amz-checksum-* header a request may carry.</summary>
    private static (ChecksumAlgorithm? Algorithm, string? Value) ChecksumHeader(IHeaderDictionary headers)
    {
        ChecksumAlgorithm? found = null;
        string? value = null;
        foreach (var algorithm in PayloadChecksum.All)
        {
            var values = headers[PayloadChecksum.HeaderName(algorithm)];
            if (values.Count == 0) continue;
            if (found is not null || values.Count > 1)
            {
                throw S3Fail.Exception(StrataError.InvalidRequest, "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.");
            }
            found = algorithm;
            // S3 answers a value that cannot be the algorithm's digest as it answers a wrong one: BadDigest once the
            // body has been read. Refusing before the body would leave it unread on the connection, and SDKs retry
            // BadDigest on the same connection.
            value = values[0] ?? "";
        }
        return (found, value);
    }

    /// <summary>
    /// S3 refuses a request carrying x-amz-* headers its signer did not sign: whoever holds or intercepts it
    /// could otherwise add x-amz-copy-source, x-amz-meta-* or a governance bypass to what was signed.
    /// x-amz-user-agent is exempt: aws-sdk-go v1 (rclone) sends it unsigned.
    /// </summary>
    private static void RefuseUnsignedAmzHeaders(IHeaderDictionary headers, string signedHeaders)
    {
        foreach (var header in headers)
        {
            if (header.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)
                && !header.Key.Equals("x-amz-user-agent", StringComparison.OrdinalIgnoreCase)
                && !IsSigned(signedHeaders, header.Key))
            {
                throw S3Fail.Exception(StrataError.AccessDenied, "There were headers present in the request which were not signed");
            }
        }
    }

    private static bool IsSigned(string signedHeaders, string name)
    {
        var list = signedHeaders.AsSpan();
        foreach (var range in list.Split(';'))
        {
            if (list[range].Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count == 1 && !string.IsNullOrEmpty(values[0]) ? values[0] : null;
    }

    private static StrataException QueryError(string message) => S3Fail.Exception(StrataError.AuthorizationQueryParametersError, message);

    private static StrataException SignatureMismatch() => S3Fail.Exception(StrataError.SignatureDoesNotMatch, SigV4.SignatureMismatchMessage);

    internal static StrataException SessionTokensRefused() =>
        S3Fail.Exception(StrataError.InvalidRequest, "Session tokens (X-Amz-Security-Token) are not supported by this server.");
}

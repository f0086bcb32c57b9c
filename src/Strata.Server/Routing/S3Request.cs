using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Strata.Core;

namespace Strata.Server.Routing;

/// <summary>
/// What an HTTP request addresses: bucket and key (path-style or virtual-hosted), the S3 operation and
/// the query. The body is untouched. Keys are percent-decoded from the raw target, so "%2F", "+" and
/// ".." reach the engine as the client wrote them.
/// </summary>
internal sealed class S3Request
{
    public required S3Operation Operation { get; init; }
    public BucketName? Bucket { get; init; }
    public ObjectKey? Key { get; init; }
    public required IQueryCollection Query { get; init; }

    /// <summary>The resource as S3 names it in error bodies: "/bucket/key".</summary>
    public required string Resource { get; init; }

    public string? QueryValue(string name) => Query.TryGetValue(name, out var v) ? v.ToString() : null;

    public BucketName RequireBucket() => Bucket ?? throw S3Fail.Exception(StrataError.InvalidRequest, "A bucket is required.");

    public ObjectKey RequireKey() => Key ?? throw S3Fail.Exception(StrataError.InvalidRequest, "A key is required.");

    public static S3Request Parse(HttpRequest request, string baseDomain)
    {
        var raw = request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
        var queryAt = raw.IndexOf('?');
        var path = queryAt >= 0 ? raw[..queryAt] : raw;
        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            path = new Uri(path).AbsolutePath; // absolute-form request target
        }

        string? bucketText = VirtualHostBucket(request.Host.Host, baseDomain);
        string? keyText;
        var trimmed = path.StartsWith('/') ? path[1..] : path;
        if (bucketText is null)
        {
            var slash = trimmed.IndexOf('/');
            bucketText = slash < 0 ? trimmed : trimmed[..slash];
            keyText = slash < 0 ? null : trimmed[(slash + 1)..];
            bucketText = bucketText.Length == 0 ? null : PercentDecode(bucketText);
        }
        else
        {
            keyText = trimmed;
        }

        BucketName? bucket = null;
        if (bucketText is not null)
        {
            if (!BucketName.TryParse(bucketText, out var name)) throw S3Fail.Exception(StrataError.InvalidBucketName);
            bucket = name;
        }
        ObjectKey? key = null;
        if (!string.IsNullOrEmpty(keyText))
        {
            var decoded = PercentDecode(keyText);
            if (!ObjectKey.TryParse(decoded, out var parsed, out var error))
            {
                throw S3Fail.Exception(error, error == StrataError.KeyTooLongError ? null : "Object key is not valid UTF-8.");
            }
            key = parsed;
        }

        var query = request.Query;
        return new S3Request
        {
            Bucket = bucket,
            Key = key,
            Query = query,
            Operation = OperationOf(request.Method, bucket is not null, key is not null, query, request.Headers),
            Resource = "/" + (bucket?.Value ?? "") + (key is null ? "" : "/" + key.Value.Value),
        };
    }

    internal static string? VirtualHostBucket(string host, string baseDomain)
    {
        if (string.IsNullOrEmpty(baseDomain) || host.Length <= baseDomain.Length + 1) return null;
        if (!host.EndsWith("." + baseDomain, StringComparison.OrdinalIgnoreCase)) return null;
        return host[..^(baseDomain.Length + 1)].ToLowerInvariant();
    }

    /// <summary>Percent-decoding to bytes, then strict UTF-8: an invalid sequence is an error, not a replacement character.</summary>
    public static string PercentDecode(string text)
    {
        if (text.IndexOf('%') < 0) return text;
        var bytes = new byte[Encoding.UTF8.GetByteCount(text)];
        var n = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                bytes[n++] = (byte)Convert.ToInt32(text.Substring(i + 1, 2), 16);
                i += 2;
            }
            else
            {
                n += Encoding.UTF8.GetBytes(text.AsSpan(i, char.IsHighSurrogate(c) && i + 1 < text.Length ? 2 : 1), bytes.AsSpan(n));
                if (char.IsHighSurrogate(c)) i++;
            }
        }
        try
        {
            return ObjectKey.StrictUtf8.GetString(bytes, 0, n);
        }
        catch (DecoderFallbackException)
        {
            throw S3Fail.Exception(StrataError.InvalidArgument, "The request path is not valid UTF-8.");
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    // Subresources S3 has that Strata does not implement: answered 501, never a silent success.
    // docs/S3-SUPPORT.md lists each; tests/Strata.Server.Tests/SupportDoc.cs keeps the two in step.
    internal static readonly string[] UnsupportedSubresources =
    [
        "encryption",
        "website", "logging", "notification", "requestPayment", "accelerate", "analytics", "inventory",
        "metrics", "intelligent-tiering", "torrent", "restore", "select",
    ];

    /// <summary>Any query parameter other than presigning's X-Amz-* and the SDKs' x-id names a subresource.</summary>
    private static bool HasSubresource(IQueryCollection query)
    {
        foreach (var (name, _) in query)
        {
            if (!name.StartsWith("X-Amz-", StringComparison.OrdinalIgnoreCase) && name != "x-id") return true;
        }
        return false;
    }

    /// <summary>?object-lock on a bucket; ?retention and ?legal-hold on an object; null for any other request.</summary>
    private static S3Operation? ObjectLockOperationOf(string method, bool hasKey, IQueryCollection query)
    {
        var (get, put) = query.ContainsKey("object-lock") ? (S3Operation.GetObjectLockConfiguration, S3Operation.PutObjectLockConfiguration)
            : query.ContainsKey("retention") ? (S3Operation.GetObjectRetention, S3Operation.PutObjectRetention)
            : query.ContainsKey("legal-hold") ? (S3Operation.GetObjectLegalHold, S3Operation.PutObjectLegalHold)
            : ((S3Operation?)null, (S3Operation?)null);
        if (get is null) return null;
        if (hasKey != (get != S3Operation.GetObjectLockConfiguration)) return S3Operation.Unsupported; // a bucket's or an object's subresource only
        return method switch
        {
            "GET" => get,
            "PUT" => put,
            _ => S3Operation.Unsupported,
        };
    }

    private static S3Operation OperationOf(string method, bool hasBucket, bool hasKey, IQueryCollection query, IHeaderDictionary headers)
    {
        if (method == "OPTIONS") return hasBucket ? S3Operation.PreflightCors : S3Operation.Unsupported;
        if (hasBucket && query.ContainsKey("cors"))
        {
            return (method, hasKey) switch
            {
                (_, true) => S3Operation.Unsupported, // cors is a bucket's subresource only
                ("GET", _) => S3Operation.GetBucketCors,
                ("PUT", _) => S3Operation.PutBucketCors,
                ("DELETE", _) => S3Operation.DeleteBucketCors,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasBucket && query.ContainsKey("publicAccessBlock"))
        {
            return (method, hasKey) switch
            {
                (_, true) => S3Operation.Unsupported, // a bucket's subresource only
                ("GET", _) => S3Operation.GetPublicAccessBlock,
                ("PUT", _) => S3Operation.PutPublicAccessBlock,
                ("DELETE", _) => S3Operation.DeletePublicAccessBlock,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasBucket && query.ContainsKey("policyStatus"))
        {
            return method == "GET" && !hasKey ? S3Operation.GetBucketPolicyStatus : S3Operation.Unsupported;
        }
        if (hasBucket && query.ContainsKey("lifecycle"))
        {
            return (method, hasKey) switch
            {
                (_, true) => S3Operation.Unsupported, // lifecycle is a bucket's subresource only
                ("GET", _) => S3Operation.GetBucketLifecycleConfiguration,
                ("PUT", _) => S3Operation.PutBucketLifecycleConfiguration,
                ("DELETE", _) => S3Operation.DeleteBucketLifecycle,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasBucket && query.ContainsKey("replication"))
        {
            return (method, hasKey) switch
            {
                (_, true) => S3Operation.Unsupported, // replication is a bucket's subresource only
                ("GET", _) => S3Operation.GetBucketReplication,
                ("PUT", _) => S3Operation.PutBucketReplication,
                ("DELETE", _) => S3Operation.DeleteBucketReplication,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasBucket && query.ContainsKey("acl"))
        {
            return (method, hasKey) switch
            {
                ("GET", false) => S3Operation.GetBucketAcl,
                ("PUT", false) => S3Operation.PutBucketAcl,
                ("GET", true) => S3Operation.GetObjectAcl,
                ("PUT", true) => S3Operation.PutObjectAcl,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasBucket && query.ContainsKey("tagging"))
        {
            return (method, hasKey) switch
            {
                ("GET", false) => S3Operation.GetBucketTagging,
                ("PUT", false) => S3Operation.PutBucketTagging,
                ("DELETE", false) => S3Operation.DeleteBucketTagging,
                ("GET", true) => S3Operation.GetObjectTagging,
                ("PUT", true) => S3Operation.PutObjectTagging,
                ("DELETE", true) => S3Operation.DeleteObjectTagging,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasBucket && ObjectLockOperationOf(method, hasKey, query) is { } objectLock) return objectLock;
        if (hasBucket && !hasKey && query.ContainsKey("ownershipControls"))
        {
            return method switch
            {
                "GET" => S3Operation.GetBucketOwnershipControls,
                "PUT" => S3Operation.PutBucketOwnershipControls,
                "DELETE" => S3Operation.DeleteBucketOwnershipControls,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasBucket && !hasKey && method == "GET" && UnsetConfiguration.Find(query) is not null)
        {
            return S3Operation.GetBucketConfigurationNotSet;
        }
        if (hasBucket && !hasKey && query.ContainsKey("policy"))
        {
            return method switch
            {
                "GET" => S3Operation.GetBucketPolicy,
                "PUT" => S3Operation.PutBucketPolicy,
                "DELETE" => S3Operation.DeleteBucketPolicy,
                _ => S3Operation.Unsupported,
            };
        }
        if (hasKey && query.ContainsKey("attributes")) return method == "GET" ? S3Operation.GetObjectAttributes : S3Operation.Unsupported;
        foreach (var name in UnsupportedSubresources)
        {
            if (query.ContainsKey(name)) return S3Operation.Unsupported;
        }
        if (!hasBucket) return method == "GET" ? S3Operation.ListBuckets : S3Operation.Unsupported;
        if (!hasKey)
        {
            return method switch
            {
                "GET" when query.ContainsKey("versioning") => S3Operation.GetBucketVersioning,
                "GET" when query.ContainsKey("location") => S3Operation.GetBucketLocation,
                "GET" when query.ContainsKey("versions") => S3Operation.ListObjectVersions,
                "GET" when query.ContainsKey("uploads") => S3Operation.ListMultipartUploads,
                "GET" when query["list-type"] == "2" => S3Operation.ListObjectsV2,
                "GET" => S3Operation.ListObjects,
                "PUT" when query.ContainsKey("versioning") => S3Operation.PutBucketVersioning,
                "PUT" when !HasSubresource(query) => S3Operation.CreateBucket,
                "HEAD" => S3Operation.HeadBucket,
                "DELETE" when !HasSubresource(query) => S3Operation.DeleteBucket,
                "POST" when query.ContainsKey("delete") => S3Operation.DeleteObjects,
                // The form's enclosure type is checked by the operation: S3 answers a wrong one with its own error.
                "POST" when !HasSubresource(query) => S3Operation.PostObject,
                _ => S3Operation.Unsupported,
            };
        }
        var isPart = query.ContainsKey("uploadId") && query.ContainsKey("partNumber");
        return method switch
        {
            "PUT" when isPart && headers.ContainsKey("x-amz-copy-source") => S3Operation.UploadPartCopy,
            "PUT" when isPart => S3Operation.UploadPart,
            "PUT" when headers.ContainsKey("x-amz-copy-source") => S3Operation.CopyObject,
            "PUT" => S3Operation.PutObject,
            "GET" when query.ContainsKey("uploadId") => S3Operation.ListParts,
            "GET" => S3Operation.GetObject,
            "HEAD" => S3Operation.HeadObject,
            "DELETE" when query.ContainsKey("uploadId") => S3Operation.AbortMultipartUpload,
            "DELETE" => S3Operation.DeleteObject,
            "POST" when query.ContainsKey("uploads") => S3Operation.CreateMultipartUpload,
            "POST" when query.ContainsKey("uploadId") => S3Operation.CompleteMultipartUpload,
            _ => S3Operation.Unsupported,
        };
    }
}

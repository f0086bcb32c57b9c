using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.AspNetCore.StaticFiles;
using Strata.AspNetCore.Storage;

namespace Strata.AspNetCore.S3;

/// <summary>
/// A storage in an S3 bucket through AWSSDK.S3: Strata's server, Amazon S3, Ceph RGW or MinIO alike.
/// On a versioned bucket a delete adds a delete marker and an overwrite keeps the previous version.
/// </summary>
public sealed class S3Storage : IFileStorage, IDisposable
{
    private const int MaxAttempts = 100;
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();
    private readonly IAmazonS3 _s3;
    private readonly bool _ownsClient;
    private readonly S3StorageOptions _options;
    private readonly string _bucket;
    private readonly string _prefix;

    /// <summary>A storage with its own client made from <paramref name="options"/>.</summary>
    public S3Storage(S3StorageOptions options) : this(CreateClient(options), options, ownsClient: true)
    {
    }

    /// <summary>A storage over a client the application made and disposes itself.</summary>
    public S3Storage(IAmazonS3 client, S3StorageOptions options) : this(client, options, ownsClient: false)
    {
    }

    private S3Storage(IAmazonS3 client, S3StorageOptions options, bool ownsClient)
    {
        _s3 = client;
        _ownsClient = ownsClient;
        _options = options;
        _bucket = string.IsNullOrWhiteSpace(options.Bucket) ? throw new ArgumentException("S3StorageOptions.Bucket is required.", nameof(options)) : options.Bucket;
        var prefix = (options.KeyPrefix ?? "").Trim('/');
        _prefix = prefix.Length == 0 ? "" : StorageName.Validate(prefix) + "/";
    }

    /// <inheritdoc />
    public async Task<string> SaveAsync(string name, Stream content, CancellationToken cancellationToken = default)
    {
        StorageName.Validate(name);
        await using var spool = await Spool.IfNeededAsync(content, cancellationToken);
        var body = spool ?? content;
        var start = body.Position;
        if (_options.FileOverwrite)
        {
            await PutAsync(name, body, onlyIfAbsent: false, cancellationToken);
            return name;
        }
        var candidate = name;
        for (var attempt = 1; ; attempt++)
        {
            // Django's rule picks a free name; If-None-Match: * makes the write itself refuse a name another writer
            // took in between, on endpoints that support conditional writes.
            if (!await ExistsAsync(candidate, cancellationToken))
            {
                body.Position = start;
                try
                {
                    await PutAsync(candidate, body, onlyIfAbsent: true, cancellationToken);
                    return candidate;
                }
                catch (AmazonS3Exception e) when (e.StatusCode is HttpStatusCode.PreconditionFailed or HttpStatusCode.Conflict)
                {
                }
            }
            if (attempt == MaxAttempts) throw new IOException($"No free name like '{name}' was found in bucket '{_bucket}' after {MaxAttempts} tries.");
            candidate = StorageName.Alternative(name);
        }
    }

    private async Task PutAsync(string name, Stream body, bool onlyIfAbsent, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = _bucket,
            Key = _prefix + name,
            InputStream = body,
            AutoCloseStream = false,
            AutoResetStreamPosition = false,
            ContentType = ContentTypes.TryGetContentType(name, out var type) ? type : "application/octet-stream",
        };
        if (_options.CacheControl is { Length: > 0 } cacheControl) request.Headers.CacheControl = cacheControl;
        if (onlyIfAbsent) request.IfNoneMatch = "*";
        if (_options.ChecksumAlgorithm is { Length: > 0 } algorithm) request.ChecksumAlgorithm = ChecksumAlgorithm.FindValue(algorithm.ToUpperInvariant());
        await _s3.PutObjectAsync(request, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string name, CancellationToken cancellationToken = default)
    {
        var key = Key(name);
        try
        {
            var response = await _s3.GetObjectAsync(_bucket, key, cancellationToken);
            return response.ResponseStream;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            throw NotFound(name);
        }
    }

    /// <inheritdoc />
    public Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        _s3.DeleteObjectAsync(_bucket, Key(name), cancellationToken);

    /// <inheritdoc />
    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken = default) =>
        await HeadAsync(name, cancellationToken) is not null;

    /// <inheritdoc />
    public async Task<long> GetSizeAsync(string name, CancellationToken cancellationToken = default) =>
        (await HeadAsync(name, cancellationToken) ?? throw NotFound(name)).ContentLength;

    /// <inheritdoc />
    public async Task<DateTimeOffset> GetLastModifiedAsync(string name, CancellationToken cancellationToken = default)
    {
        var head = await HeadAsync(name, cancellationToken) ?? throw NotFound(name);
        return head.LastModified is { } modified ? new DateTimeOffset(modified.ToUniversalTime()) : throw NotFound(name);
    }

    private async Task<GetObjectMetadataResponse?> HeadAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _s3.GetObjectMetadataAsync(_bucket, Key(name), cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            // A missing key and a key whose latest version is a delete marker both answer 404.
            return null;
        }
    }

    /// <inheritdoc />
    public string GetUrl(string name)
    {
        var key = Key(name);
        if (_options.UrlMode == S3UrlMode.Presigned)
        {
            var endpoint = string.IsNullOrEmpty(_options.Endpoint) ? null : new Uri(_options.Endpoint);
            return _s3.GetPreSignedURL(new GetPreSignedUrlRequest
            {
                BucketName = _bucket,
                Key = key,
                Verb = HttpVerb.GET,
                Expires = DateTime.UtcNow + _options.UrlExpiry,
                // The SDK signs https URLs unless told otherwise; a plain-http endpoint needs http ones.
                Protocol = endpoint?.Scheme == Uri.UriSchemeHttp ? Protocol.HTTP : Protocol.HTTPS,
            });
        }
        var path = StorageName.ToUrlPath(key);
        if (!string.IsNullOrEmpty(_options.PublicBaseUrl)) return _options.PublicBaseUrl.TrimEnd('/') + "/" + path;
        if (!string.IsNullOrEmpty(_options.Endpoint)) return $"{_options.Endpoint.TrimEnd('/')}/{_bucket}/{path}";
        return $"https://{_bucket}.s3.{_options.Region ?? "us-east-1"}.amazonaws.com/{path}";
    }

    /// <inheritdoc />
    public async Task<StorageListing> ListAsync(string directory, CancellationToken cancellationToken = default)
    {
        var folder = StorageName.ValidateDirectory(directory);
        var prefix = _prefix + (folder.Length == 0 ? "" : folder + "/");
        var directories = new List<string>();
        var files = new List<string>();
        var request = new ListObjectsV2Request { BucketName = _bucket, Prefix = prefix, Delimiter = "/" };
        do
        {
            var page = await _s3.ListObjectsV2Async(request, cancellationToken);
            foreach (var common in page.CommonPrefixes ?? []) directories.Add(common[prefix.Length..].TrimEnd('/'));
            foreach (var entry in page.S3Objects ?? [])
            {
                // A zero-byte "folder/" object some consoles create is a folder, not a file named "".
                if (entry.Key.Length > prefix.Length) files.Add(entry.Key[prefix.Length..]);
            }
            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is not null);
        directories.Sort(StringComparer.Ordinal);
        files.Sort(StringComparer.Ordinal);
        return new StorageListing(directories, files);
    }

    /// <summary>Checks that the bucket answers with these credentials; throws <see cref="InvalidOperationException"/> saying why not.</summary>
    internal async Task VerifyAsync(string storageName, CancellationToken cancellationToken)
    {
        var where = string.IsNullOrEmpty(_options.Endpoint) ? "Amazon S3" : _options.Endpoint;
        try
        {
            // HeadBucket needs only s3:ListBucket, which an application's least-privilege key has.
            await _s3.HeadBucketAsync(new HeadBucketRequest { BucketName = _bucket }, cancellationToken);
        }
        catch (AmazonS3Exception e)
        {
            // A HEAD answer has no body: name the error S3 means by its status.
            var code = e.StatusCode switch
            {
                System.Net.HttpStatusCode.NotFound => "NoSuchBucket",
                System.Net.HttpStatusCode.Forbidden => "AccessDenied",
                _ => e.ErrorCode,
            };
            throw new InvalidOperationException($"Storage '{storageName}': bucket '{_bucket}' at {where} answered {(int)e.StatusCode} {code}.", e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or IOException)
        {
            throw new InvalidOperationException($"Storage '{storageName}': the endpoint {where} could not be reached ({e.Message}).", e);
        }
    }

    private string Key(string name) => _prefix + StorageName.Validate(name);

    private static FileNotFoundException NotFound(string name) => new($"'{name}' does not exist in the storage.", name);

    private static AmazonS3Client CreateClient(S3StorageOptions options)
    {
        var config = new AmazonS3Config { MaxErrorRetry = 2 };
        if (!string.IsNullOrEmpty(options.Endpoint))
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
            config.ForcePathStyle = options.ForcePathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1");
            config.ForcePathStyle = options.ForcePathStyle ?? false;
        }
        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    /// <summary>Disposes the client when the storage made it.</summary>
    public void Dispose()
    {
        if (_ownsClient) _s3.Dispose();
    }
}

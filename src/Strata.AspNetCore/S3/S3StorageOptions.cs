namespace Strata.AspNetCore.S3;

/// <summary>How an <see cref="S3Storage"/> reaches its bucket and hands out URLs (section <c>Storages:NAME</c> with <c>"Backend": "S3"</c>).</summary>
public sealed class S3StorageOptions
{
    /// <summary>The bucket; required.</summary>
    public string? Bucket { get; set; }

    /// <summary>A key prefix every name is stored under (<c>media/</c>); names never escape it.</summary>
    public string? KeyPrefix { get; set; }

    /// <summary>The S3 endpoint (<c>http://127.0.0.1:9000</c> for <c>strata serve</c>); empty means Amazon S3 in <see cref="Region"/>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>The signing region; <c>us-east-1</c> when empty.</summary>
    public string? Region { get; set; }

    /// <summary>An access key id; with <see cref="SecretKey"/>. When both are empty the SDK's credential chain is used (environment, profile, instance role).</summary>
    public string? AccessKey { get; set; }

    /// <summary>The secret access key that goes with <see cref="AccessKey"/>.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Path-style addressing (<c>endpoint/bucket/key</c>); on by default when an <see cref="Endpoint"/> is set.</summary>
    public bool? ForcePathStyle { get; set; }

    /// <summary>Whether saving a taken name replaces the file (true, django-storages' default) or stores it under a new name.</summary>
    public bool FileOverwrite { get; set; } = true;

    /// <summary>Presigned URLs that expire (the default, for a private bucket), or plain public URLs.</summary>
    public S3UrlMode UrlMode { get; set; } = S3UrlMode.Presigned;

    /// <summary>How long a presigned URL is valid; one hour by default, at most seven days (SigV4's limit).</summary>
    public TimeSpan UrlExpiry { get; set; } = TimeSpan.FromHours(1);

    /// <summary>For <see cref="S3UrlMode.Public"/>: the base URL of a custom domain or CDN (<c>https://static.example.com/</c>); the object's key follows it.</summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>The Cache-Control every saved object gets (<c>public, max-age=31536000, immutable</c> for hashed static files).</summary>
    public string? CacheControl { get; set; }

    /// <summary>
    /// The checksum every upload carries and the server verifies and keeps (<c>CRC32</c>, <c>CRC32C</c>, <c>CRC64NVME</c>,
    /// <c>SHA1</c>, <c>SHA256</c>); empty leaves AWSSDK.S3's default (a CRC32 where the endpoint supports it).
    /// </summary>
    public string? ChecksumAlgorithm { get; set; }

    /// <summary>At start, check that the bucket answers with these credentials (HeadBucket) and refuse to start when it does not.</summary>
    public bool VerifyOnStart { get; set; }
}

/// <summary>What <see cref="S3Storage.GetUrl"/> returns.</summary>
public enum S3UrlMode
{
    /// <summary>A GET URL signed with the storage's credentials, valid for <see cref="S3StorageOptions.UrlExpiry"/>.</summary>
    Presigned,

    /// <summary>An unsigned URL, for a public-read bucket or a CDN in front of it.</summary>
    Public,
}

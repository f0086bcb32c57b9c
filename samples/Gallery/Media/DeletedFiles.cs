using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Strata.AspNetCore.S3;
using Strata.AspNetCore.Storage;

namespace Gallery.Media;

/// <summary>A file of the media storage whose latest version is a delete marker, and the version a restore brings back.</summary>
public sealed record DeletedFile(string Name, DateTimeOffset DeletedAt, string NewestVersionId);

/// <summary>
/// The "recently deleted" side of the media bucket, which <see cref="IFileStorage"/> does not show: it lists the
/// versions under the storage's key prefix, as the recovery toolkit's undelete does. A restore copies the newest real
/// version back on top (server-side, by version id), so the app's key needs s3:ListBucketVersions and
/// s3:GetObjectVersion but never s3:DeleteObjectVersion, and the delete marker stays in the history.
/// </summary>
public sealed class DeletedFiles : IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly string _bucket;
    private readonly string _prefix;

    public DeletedFiles(IConfiguration configuration)
    {
        // The same section the media storage is made from, so both talk to one bucket with one key.
        var options = configuration.GetSection("Storages:media").Get<S3StorageOptions>()
            ?? throw new InvalidOperationException("Storages:media is missing from the configuration.");
        _bucket = options.Bucket ?? throw new InvalidOperationException("Storages:media:Bucket is required.");
        var prefix = (options.KeyPrefix ?? "").Trim('/');
        _prefix = prefix.Length == 0 ? "" : prefix + "/";
        _s3 = CreateClient(options);
    }

    /// <summary>Every deleted file that has a version to bring back, most recently deleted first.</summary>
    public async Task<IReadOnlyList<DeletedFile>> ListAsync(CancellationToken cancellationToken)
    {
        var deleted = new List<DeletedFile>();
        await foreach (var (key, versions) in HistoriesAsync(_prefix, cancellationToken))
        {
            if (FindDeleted(key, versions) is { } file) deleted.Add(file);
        }
        deleted.Sort((a, b) => b.DeletedAt.CompareTo(a.DeletedAt));
        return deleted;
    }

    /// <summary>Brings <paramref name="name"/> back; false when it is not deleted (restored already, or never there).</summary>
    public async Task<bool> RestoreAsync(string name, CancellationToken cancellationToken)
    {
        var key = _prefix + StorageName.Validate(name);
        await foreach (var (found, versions) in HistoriesAsync(key, cancellationToken))
        {
            // The prefix also matches "photo.jpg.bak" when restoring "photo.jpg": only the exact key counts.
            if (found != key || FindDeleted(found, versions) is not { } file) continue;
            await _s3.CopyObjectAsync(new CopyObjectRequest
            {
                SourceBucket = _bucket,
                SourceKey = key,
                SourceVersionId = file.NewestVersionId,
                DestinationBucket = _bucket,
                DestinationKey = key,
                MetadataDirective = S3MetadataDirective.COPY,
            }, cancellationToken);
            return true;
        }
        return false;
    }

    private DeletedFile? FindDeleted(string key, List<S3ObjectVersion> versions)
    {
        // S3 lists a key's versions newest first; the latest one is a marker when the file is deleted.
        if (versions.Count == 0 || versions[0].IsDeleteMarker != true) return null;
        var newest = versions.Find(v => v.IsDeleteMarker != true);
        if (newest is null) return null;
        var deletedAt = versions[0].LastModified is { } at ? new DateTimeOffset(at.ToUniversalTime()) : DateTimeOffset.MinValue;
        return new DeletedFile(key[_prefix.Length..], deletedAt, newest.VersionId);
    }

    private async IAsyncEnumerable<(string Key, List<S3ObjectVersion> Versions)> HistoriesAsync(
        string prefix, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListVersionsRequest { BucketName = _bucket, Prefix = prefix };
        string? current = null;
        var versions = new List<S3ObjectVersion>();
        while (true)
        {
            var page = await _s3.ListVersionsAsync(request, cancellationToken);
            foreach (var version in page.Versions ?? [])
            {
                if (version.Key != current)
                {
                    if (current is not null) yield return (current, versions);
                    current = version.Key;
                    versions = [];
                }
                versions.Add(version);
            }
            if (page.IsTruncated != true) break;
            request.KeyMarker = page.NextKeyMarker;
            request.VersionIdMarker = page.NextVersionIdMarker;
        }
        if (current is not null) yield return (current, versions);
    }

    private static AmazonS3Client CreateClient(S3StorageOptions options)
    {
        var config = new AmazonS3Config();
        if (!string.IsNullOrEmpty(options.Endpoint))
        {
            config.ServiceURL = options.Endpoint;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
            config.ForcePathStyle = options.ForcePathStyle ?? true;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region ?? "us-east-1");
        }
        return string.IsNullOrEmpty(options.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public void Dispose() => _s3.Dispose();
}

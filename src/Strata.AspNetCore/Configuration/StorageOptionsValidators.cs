using Microsoft.Extensions.Options;
using Strata.AspNetCore.FileSystem;
using Strata.AspNetCore.S3;

namespace Strata.AspNetCore.Configuration;

// One validator per configured storage: each checks only its own name, and its messages name the section to fix.
internal sealed class S3StorageOptionsValidator(string name, string path) : IValidateOptions<S3StorageOptions>
{
    // The flexible checksums S3 documents for PutObject.
    private static readonly string[] ChecksumAlgorithms = ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"];

    public ValidateOptionsResult Validate(string? optionsName, S3StorageOptions options)
    {
        if (optionsName != name) return ValidateOptionsResult.Skip;
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Bucket)) failures.Add($"{path}:Bucket is required for an S3 storage.");
        if (!string.IsNullOrEmpty(options.Endpoint) && !IsHttpUrl(options.Endpoint))
            failures.Add($"{path}:Endpoint '{options.Endpoint}' is not an http:// or https:// URL.");
        if (string.IsNullOrEmpty(options.AccessKey) != string.IsNullOrEmpty(options.SecretKey))
            failures.Add($"{path}: AccessKey and SecretKey go together; set both, or neither to use the AWS SDK's credential chain.");
        if (options.UrlMode == S3UrlMode.Presigned && (options.UrlExpiry <= TimeSpan.Zero || options.UrlExpiry > TimeSpan.FromDays(7)))
            failures.Add($"{path}:UrlExpiry must be more than zero and at most 7 days (SigV4's limit for a presigned URL).");
        if (!string.IsNullOrEmpty(options.PublicBaseUrl) && !IsHttpUrl(options.PublicBaseUrl))
            failures.Add($"{path}:PublicBaseUrl '{options.PublicBaseUrl}' is not an http:// or https:// URL.");
        if (!string.IsNullOrEmpty(options.ChecksumAlgorithm) && !ChecksumAlgorithms.Contains(options.ChecksumAlgorithm.ToUpperInvariant()))
            failures.Add($"{path}:ChecksumAlgorithm '{options.ChecksumAlgorithm}' is not one of {string.Join(", ", ChecksumAlgorithms)}.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}

internal sealed class FileSystemStorageOptionsValidator(string name, string path) : IValidateOptions<FileSystemStorageOptions>
{
    public ValidateOptionsResult Validate(string? optionsName, FileSystemStorageOptions options)
    {
        if (optionsName != name) return ValidateOptionsResult.Skip;
        return string.IsNullOrWhiteSpace(options.Location)
            ? ValidateOptionsResult.Fail($"{path}:Location is required for a FileSystem storage.")
            : ValidateOptionsResult.Success;
    }
}

using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Amazon.S3;

namespace Strata.Client.Connection;

/// <summary>
/// Where and as whom to connect, as awscli users expect: <c>--endpoint-url</c>, <c>--profile</c>, <c>--region</c>,
/// otherwise the SDK's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN, AWS_PROFILE,
/// ~/.aws/credentials and ~/.aws/config, then the container and instance roles).
/// </summary>
public sealed record S3ConnectionOptions
{
    /// <summary>An S3-compatible endpoint such as <c>http://127.0.0.1:9000</c>; null for Amazon S3.</summary>
    public string? EndpointUrl { get; init; }

    /// <summary>A named profile from the shared config and credentials files.</summary>
    public string? Profile { get; init; }

    /// <summary>The signing region; defaults to the profile's region, AWS_REGION, AWS_DEFAULT_REGION, then us-east-1.</summary>
    public string? Region { get; init; }

    /// <summary>How many times the SDK retries a throttled or failed request (its default is 4).</summary>
    public int? MaxErrorRetry { get; init; }

    /// <summary>A PEM file of CA certificates to trust for HTTPS (as awscli's --ca-bundle), e.g. the one `strata serve --tls` generates.</summary>
    public string? CaBundle { get; init; }
}

/// <summary>Creates AWSSDK.S3 clients from <see cref="S3ConnectionOptions"/>.</summary>
public static class S3Connection
{
    /// <summary>
    /// A client for the options: path-style addressing when an endpoint URL is given (S3-compatible servers
    /// rarely have wildcard DNS), credentials from the profile when one is named, else from the SDK's default chain.
    /// </summary>
    /// <exception cref="StrataClientException">The named profile does not exist or holds no credentials.</exception>
    public static AmazonS3Client Create(S3ConnectionOptions options)
    {
        CredentialProfile? profile = null;
        AWSCredentials? credentials = null;
        if (options.Profile is { Length: > 0 } name)
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetProfile(name, out profile) || !chain.TryGetAWSCredentials(name, out credentials))
            {
                throw new StrataClientException(
                    $"Profile '{name}' was not found with credentials in the shared files (~/.aws/credentials, ~/.aws/config, or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE). Add it with `aws configure --profile {name}`.");
            }
        }

        var region = options.Region
            ?? profile?.Region?.SystemName
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
            ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
            ?? "us-east-1";
        var config = new AmazonS3Config();
        if (options.EndpointUrl is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        if (options.MaxErrorRetry is { } retries) config.MaxErrorRetry = retries;
        if (options.CaBundle is { Length: > 0 } caBundle) config.HttpClientFactory = new TrustingHttpClientFactory(caBundle);
        // Without a profile the SDK resolves credentials itself, lazily, through its default chain.
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed class TrustingHttpClientFactory(string caBundle) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(TrustedCa.CreateHandler(caBundle));
    }
}

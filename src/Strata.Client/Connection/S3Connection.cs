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

    /// <summary>Keys to sign with instead of the profile or the default chain, e.g. an application's key that `strata doctor` probes.</summary>
    public AWSCredentials? Credentials { get; init; }

    /// <summary>With an endpoint URL: path-style addressing (the default; S3-compatible servers rarely have wildcard DNS), or virtual-hosted with false.</summary>
    public bool? ForcePathStyle { get; init; }
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
        AWSCredentials? credentials = options.Credentials;
        if (credentials is null && options.Profile is { Length: > 0 } name)
        {
            var chain = new CredentialProfileStoreChain();
            if (!chain.TryGetProfile(name, out profile) || !chain.TryGetAWSCredentials(name, out credentials)) throw MissingProfile(name);
        }

        var region = ResolveRegion(options, profile);
        var config = new AmazonS3Config();
        if (options.EndpointUrl is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.ForcePathStyle = options.ForcePathStyle ?? true;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }
        if (options.MaxErrorRetry is { } retries) config.MaxErrorRetry = retries;
        if (options.CaBundle is { Length: > 0 } caBundle)
        {
            TrustedCa.EnsureReadable(caBundle);
            config.HttpClientFactory = new TrustingHttpClientFactory(caBundle);
        }
        // Without a profile the SDK resolves credentials itself, lazily, through its default chain.
        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <summary>The signing region: the option, the profile's (named, else AWS_PROFILE or default), AWS_REGION, AWS_DEFAULT_REGION, then us-east-1.</summary>
    public static string ResolveRegion(S3ConnectionOptions options) => ResolveRegion(options, FindProfile(options.Profile));

    private static string ResolveRegion(S3ConnectionOptions options, CredentialProfile? profile) =>
        options.Region
        ?? (profile ?? FindProfile(null))?.Region?.SystemName
        ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_REGION"))
        ?? NullIfEmpty(Environment.GetEnvironmentVariable("AWS_DEFAULT_REGION"))
        ?? "us-east-1";

    /// <summary>
    /// The endpoint_url of the profile in the shared config file (the named one, else AWS_PROFILE, else default),
    /// as awscli reads it when neither --endpoint-url nor AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL is set.
    /// </summary>
    public static string? ProfileEndpointUrl(string? profileName) => NullIfEmpty(FindProfile(profileName)?.EndpointUrl);

    /// <summary>
    /// An access key and secret for signing requests by hand (the admin API, the bench's lean client): the named
    /// profile when one is given, else AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, else the AWS_PROFILE or default
    /// profile; null when none of them holds a key.
    /// </summary>
    /// <exception cref="StrataClientException">The named profile does not exist or holds no credentials.</exception>
    public static ImmutableCredentials? ResolveKeys(S3ConnectionOptions options)
    {
        var chain = new CredentialProfileStoreChain();
        if (options.Profile is { Length: > 0 } name)
        {
            if (!chain.TryGetAWSCredentials(name, out var named)) throw MissingProfile(name);
            return named.GetCredentials();
        }
        if (NullIfEmpty(Environment.GetEnvironmentVariable("AWS_ACCESS_KEY_ID")) is { } accessKey
            && NullIfEmpty(Environment.GetEnvironmentVariable("AWS_SECRET_ACCESS_KEY")) is { } secretKey)
        {
            return new ImmutableCredentials(accessKey, secretKey, NullIfEmpty(Environment.GetEnvironmentVariable("AWS_SESSION_TOKEN")));
        }
        var fallback = NullIfEmpty(Environment.GetEnvironmentVariable("AWS_PROFILE")) ?? "default";
        return chain.TryGetAWSCredentials(fallback, out var credentials) ? credentials.GetCredentials() : null;
    }

    /// <summary>An HTTP handler for hand-signed requests: trusting the CA bundle when one is given, else the system's CAs.</summary>
    public static SocketsHttpHandler CreateHandler(S3ConnectionOptions options)
    {
        if (options.CaBundle is not { Length: > 0 } caBundle) return new SocketsHttpHandler();
        TrustedCa.EnsureReadable(caBundle);
        return TrustedCa.CreateHandler(caBundle);
    }

    private static CredentialProfile? FindProfile(string? name)
    {
        name ??= NullIfEmpty(Environment.GetEnvironmentVariable("AWS_PROFILE")) ?? "default";
        return new CredentialProfileStoreChain().TryGetProfile(name, out var profile) ? profile : null;
    }

    private static StrataClientException MissingProfile(string name) => new(
        $"Profile '{name}' was not found with credentials in the shared files (~/.aws/credentials, ~/.aws/config, or AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE). Add it with `aws configure --profile {name}`.");

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private sealed class TrustingHttpClientFactory(string caBundle) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(TrustedCa.CreateHandler(caBundle));
    }
}

using System.CommandLine;
using Amazon.S3;
using Strata.Client.Connection;

namespace Strata.Cli;

/// <summary>
/// Where to connect and as whom, the same for every client command (versions, diff, undelete, restore, admin,
/// bench), spelled and resolved as awscli does: --endpoint-url, then AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL and
/// the profile's endpoint_url; --profile, else AWS_PROFILE, else default; --region, else the profile's,
/// AWS_REGION, AWS_DEFAULT_REGION, us-east-1; --ca-bundle, else AWS_CA_BUNDLE, else the profile's ca_bundle.
/// An endpoint URL that is not http:// or https:// is a <see cref="FormatException"/> (exit 2).
/// </summary>
internal sealed class EndpointOptions
{
    private readonly string? _defaultEndpoint;

    /// <param name="defaultEndpoint">The endpoint when none is given anywhere; null means Amazon S3 (the SDK's regional endpoint).</param>
    /// <param name="recursive">Whether the options are also taken after the subcommands of the command they are added to.</param>
    public EndpointOptions(string? defaultEndpoint = null, bool recursive = false)
    {
        _defaultEndpoint = defaultEndpoint;
        var fallback = defaultEndpoint is null ? "" : $"; default {defaultEndpoint}";
        EndpointUrl = new("--endpoint-url")
        {
            Description = $"S3 endpoint, e.g. http://127.0.0.1:9000, path-style addressing (env AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, or the profile's endpoint_url{fallback})",
            Recursive = recursive,
        };
        Profile = new("--profile")
        {
            Description = "Named profile from ~/.aws/credentials and ~/.aws/config (default: AWS_* environment variables, AWS_PROFILE, then the default profile)",
            Recursive = recursive,
        };
        Region = new("--region")
        {
            Description = "Signing region (default: the profile's, AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)",
            Recursive = recursive,
        };
        CaBundleOption = new("--ca-bundle")
        {
            Description = "CA certificate(s) (PEM) to trust for HTTPS, as awscli's --ca-bundle (env AWS_CA_BUNDLE, or the profile's ca_bundle); e.g. DATA/tls/ca.pem of `strata serve --tls`",
            Recursive = recursive,
        };
    }

    public Option<string?> EndpointUrl { get; }
    public Option<string?> Profile { get; }
    public Option<string?> Region { get; }
    public Option<string?> CaBundleOption { get; }

    /// <summary>The endpoint of the last <see cref="Resolve"/>, for explaining a failure to reach it.</summary>
    public Uri? Endpoint { get; private set; }

    /// <summary>The CA bundle of the last <see cref="Resolve"/>, for explaining a certificate it did not trust.</summary>
    public string? CaBundle { get; private set; }

    public void AddTo(Command command)
    {
        command.Options.Add(EndpointUrl);
        command.Options.Add(Profile);
        command.Options.Add(Region);
        command.Options.Add(CaBundleOption);
    }

    /// <param name="parse">The command line.</param>
    /// <param name="configured">An endpoint and region from an application's settings (collectstatic --storage): after the command line, before the environment and profile.</param>
    public S3ConnectionOptions Resolve(ParseResult parse, StorageTarget? configured = null)
    {
        var profile = parse.GetValue(Profile);
        var (url, source) = parse.GetValue(EndpointUrl) is { } given ? (given, "--endpoint-url")
            : configured?.Endpoint is { } fromSettings ? (fromSettings, "the storage's Endpoint")
            : Env("AWS_ENDPOINT_URL_S3") is { } s3 ? (s3, "AWS_ENDPOINT_URL_S3")
            : Env("AWS_ENDPOINT_URL") is { } any ? (any, "AWS_ENDPOINT_URL")
            : S3Connection.ProfileEndpointUrl(profile) is { } fromProfile ? (fromProfile, "the profile's endpoint_url")
            : (_defaultEndpoint, "the default endpoint");
        Endpoint = url is null ? null : ParseEndpoint(url, source);
        CaBundle = parse.GetValue(CaBundleOption) ?? Env("AWS_CA_BUNDLE") ?? AwsConfigFile.CaBundle(profile);
        return new S3ConnectionOptions
        {
            EndpointUrl = Endpoint?.ToString(),
            Profile = profile,
            Region = parse.GetValue(Region) ?? configured?.Region,
            CaBundle = CaBundle,
        };
    }

    public AmazonS3Client CreateClient(ParseResult parse, StorageTarget? configured = null) => S3Connection.Create(Resolve(parse, configured));

    /// <summary>An absolute http:// or https:// URL; anything else is a usage error that says what to add.</summary>
    public static Uri ParseEndpoint(string text, string source)
    {
        var trimmed = text.Trim();
        if (Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) && uri.Host.Length > 0)
        {
            return uri;
        }
        if (!trimmed.Contains("://", StringComparison.Ordinal))
        {
            throw new FormatException($"{source} '{text}' has no scheme: add http:// or https://, e.g. http://{trimmed}");
        }
        throw new FormatException($"{source} '{text}' is not an http:// or https:// URL, e.g. http://127.0.0.1:9000");
    }

    private static string? Env(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

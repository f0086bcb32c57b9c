using System.CommandLine;
using Amazon.Runtime;
using Strata.Client.Connection;
using Strata.Client.Mirror;

namespace Strata.Cli;

/// <summary>
/// `strata mirror s3://src[/prefix] s3://dst[/prefix] [--with-history]`: copies a bucket or prefix to another S3
/// endpoint, the current versions or every version and delete marker in order. The source is reached as every
/// client command reaches it (--endpoint-url, --profile, the environment); the destination by its own --dst-* options.
/// </summary>
internal static class MirrorCommand
{
    public static Command Create()
    {
        var args = new RecoveryArguments();
        var source = new Argument<string>("source") { Description = "s3://bucket/prefix to copy from (at --endpoint-url)" };
        var destination = new Argument<string>("destination") { Description = "s3://bucket/prefix at the destination endpoint" };
        var dstEndpoint = new Option<string?>("--dst-endpoint-url") { Description = "The destination's S3 endpoint, e.g. https://s3.example.net (default: the --dst-profile's endpoint_url, else Amazon S3)" };
        var dstProfile = new Option<string?>("--dst-profile") { Description = "The destination's profile in ~/.aws/credentials and ~/.aws/config (AWS_SHARED_CREDENTIALS_FILE, AWS_CONFIG_FILE); default: AWS_* environment variables" };
        var dstRegion = new Option<string?>("--dst-region") { Description = "The destination's signing region (default: the --dst-profile's, AWS_REGION, AWS_DEFAULT_REGION, then us-east-1)" };
        var dstCaBundle = new Option<string?>("--dst-ca-bundle") { Description = "CA certificate(s) (PEM) to trust for the destination's HTTPS (default: the ca_bundle of --dst-profile)" };
        var withHistory = new Option<bool>("--with-history") { Description = "Recreate every version and delete marker, oldest first, on a versioned destination (default: the current version of each key)" };
        var plainUpload = new Option<bool>("--dst-plain-upload") { Description = "Send each body from a temporary file with a plain signed payload, for a destination that does not read aws-chunked uploads (s3rver)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show the plan (keys, versions, markers, bytes) and change nothing" };
        var command = new Command("mirror", "Copy a bucket or prefix to another S3 endpoint: the current versions, or with --with-history every version and delete marker in order.")
        {
            dstEndpoint, dstProfile, dstRegion, dstCaBundle, plainUpload, withHistory, dryRun, args.Concurrency,
        };
        // Arguments are taken in the order they are added: the source, then the destination.
        command.Add(source);
        command.Add(destination);
        args.Connection.AddTo(command);
        command.Add(args.Json);
        command.SetAction((parse, cancellationToken) => CommandErrors.RunAsync(async () =>
        {
            var from = S3Uri.Parse(parse.GetValue(source) ?? "");
            var to = S3Uri.Parse(parse.GetValue(destination) ?? "");
            var options = args.Options(parse);
            var sourceConnection = args.Connection.Resolve(parse);
            var profile = parse.GetValue(dstProfile);
            var endpoint = parse.GetValue(dstEndpoint) is { } given ? EndpointOptions.ParseEndpoint(given, "--dst-endpoint-url")
                : profile is not null && S3Connection.ProfileEndpointUrl(profile) is { } fromProfile ? EndpointOptions.ParseEndpoint(fromProfile, $"the endpoint_url of profile '{profile}'")
                : null;
            var target = new S3ConnectionOptions
            {
                EndpointUrl = endpoint?.ToString(),
                Profile = profile,
                Region = parse.GetValue(dstRegion),
                CaBundle = parse.GetValue(dstCaBundle) ?? (profile is null ? null : AwsConfigFile.CaBundle(profile)),
            };
            var mirror = new MirrorOptions
            {
                WithHistory = parse.GetValue(withHistory),
                PlainUploads = parse.GetValue(plainUpload),
                SameEndpoint = Equals(args.Connection.Endpoint, endpoint),
                DestinationEndpoint = endpoint,
                DestinationCaBundle = target.CaBundle,
            };
            using var s3 = S3Connection.Create(sourceConnection);
            using var dst = CreateDestination(target);
            var job = new MirrorJob(s3, from, dst, to, mirror, options);
            var where = endpoint is null ? "Amazon S3" : endpoint.Authority;
            var description = mirror.WithHistory
                ? $"mirror every version of {from} to {to} at {where}, oldest first"
                : $"mirror the current versions of {from} to {to} at {where}";
            return await RecoveryOutput.RunAsync(job, "mirror", description, parse.GetValue(dryRun), parse.GetValue(args.Json), cancellationToken);
        }, args.Connection));
        return command;
    }

    private static Amazon.S3.AmazonS3Client CreateDestination(S3ConnectionOptions target)
    {
        try
        {
            return S3Connection.Create(target);
        }
        catch (Strata.Client.StrataClientException e)
        {
            // A missing profile or CA bundle named on the command line is the destination's: say so.
            throw new Strata.Client.StrataClientException("Destination: " + e.Message.Replace("--ca-bundle", "--dst-ca-bundle", StringComparison.Ordinal), e.InnerException);
        }
        catch (AmazonClientException e)
        {
            throw new Strata.Client.StrataClientException($"Destination: {e.Message}");
        }
    }
}

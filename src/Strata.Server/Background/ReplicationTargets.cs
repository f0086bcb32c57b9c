using System.Collections.Concurrent;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Strata.Client.Connection;
using Strata.Core;
using Strata.Core.Replication;
using Strata.Engine;
using Strata.Engine.Replication;
using Strata.Server.Auth;

namespace Strata.Server.Background;

/// <summary>
/// The S3 clients replication sends with, built by the recovery toolkit's <see cref="S3Connection"/>: one per remote target
/// (its stored key, region, CA bundle and addressing), and one for this server itself (arn:aws:s3:::BUCKET) with the
/// root key. Clients are kept until their remote is removed or replaced.
/// </summary>
internal sealed class ReplicationTargets(StorageEngine engine, IServer server, Credentials credentials, ReplicationSettings settings) : IDisposable
{
    private readonly ConcurrentDictionary<string, IAmazonS3> _clients = new(StringComparer.Ordinal);
    private const string Self = "";

    /// <summary>The client and bucket for a rule's destination ARN.</summary>
    /// <exception cref="StrataException">NoSuchEntity: the remote is not (or no longer) defined.</exception>
    public (IAmazonS3 Client, string Bucket) Resolve(string arn)
    {
        if (!ReplicationDestination.TryParse(arn, out var destination)) throw S3Fail.Exception(StrataError.InvalidArgument, $"'{arn}' is not a destination.");
        var name = destination.Remote ?? Self;
        return (_clients.GetOrAdd(name, Create), destination.Bucket);
    }

    /// <summary>A remote was removed or replaced: its client is built again on next use.</summary>
    public void Forget(string remote)
    {
        if (_clients.TryRemove(remote, out var client)) client.Dispose();
    }

    private IAmazonS3 Create(string name)
    {
        if (name == Self) return CreateSelf();
        var (remote, secret) = engine.GetRemoteWithSecret(name);
        var client = CreateClient(remote, secret, settings.DataDirectory);
        ReplicationSender.MarkReplicaWrites(client);
        return client;
    }

    /// <summary>A client for a remote target: also what `strata admin remote check` probes with.</summary>
    public static AmazonS3Client CreateClient(RemoteTarget remote, string secretKey, string dataDirectory)
    {
        string? caBundle = null;
        if (remote.CaBundlePem is { } pem)
        {
            // S3Connection trusts a CA from a file, as awscli's --ca-bundle; the PEM kept in the database is written beside it.
            var folder = Path.Combine(dataDirectory, "remotes");
            Directory.CreateDirectory(folder);
            caBundle = Path.Combine(folder, remote.Name + ".pem");
            File.WriteAllText(caBundle, pem);
        }
        return S3Connection.Create(new S3ConnectionOptions
        {
            EndpointUrl = remote.Endpoint,
            Region = remote.Region,
            CaBundle = caBundle,
            ForcePathStyle = remote.PathStyle,
            Credentials = new BasicAWSCredentials(remote.AccessKeyId, secretKey),
            MaxErrorRetry = 0, // the replicator retries with its own backoff, reopening the body each time
        });
    }

    private AmazonS3Client CreateSelf()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server is not listening yet.");
        var endpoint = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal);
        var ca = Path.Combine(settings.DataDirectory, "tls", "ca.pem");
        var client = S3Connection.Create(new S3ConnectionOptions
        {
            EndpointUrl = endpoint,
            Region = settings.Region,
            CaBundle = endpoint.StartsWith("https:", StringComparison.OrdinalIgnoreCase) && File.Exists(ca) ? ca : null,
            Credentials = new BasicAWSCredentials(credentials.Root.AccessKeyId, credentials.Root.SecretAccessKey),
            MaxErrorRetry = 0,
        });
        ReplicationSender.MarkReplicaWrites(client);
        return client;
    }

    public void Dispose()
    {
        foreach (var client in _clients.Values) client.Dispose();
        _clients.Clear();
    }
}

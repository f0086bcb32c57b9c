using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Amazon.Runtime;
using Amazon.S3;
using Strata.WebConsole.Hosting;

namespace Strata.WebConsole.Sessions;

/// <summary>
/// Makes each session's S3 client: the signed-in user's own key, pointed at this server's listening endpoint on
/// loopback, so the authorizer, bucket policies, ACLs, Block Public Access, Object Lock and MFA Delete apply to
/// every console action exactly as to any S3 client, and the access log shows the user's key. Over HTTPS the
/// handler accepts exactly the certificate Kestrel was given; nothing else is trusted. One connection pool
/// serves all the sessions.
/// </summary>
internal sealed class UserClients(ConsoleOptions options) : IDisposable
{
    private SocketsHttpHandler? _handler;
    private readonly Lock _gate = new();

    public AmazonS3Client Create(string accessKeyId, string secretAccessKey)
    {
        var endpoint = options.Endpoint ?? throw new InvalidOperationException("The console's endpoint is set once the server listens.");
        var config = new AmazonS3Config
        {
            ServiceURL = endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = options.Region,
            MaxErrorRetry = 1,
            HttpClientFactory = new SharedHandlerFactory(Handler()),
        };
        return new AmazonS3Client(new BasicAWSCredentials(accessKeyId, secretAccessKey), config);
    }

    private SocketsHttpHandler Handler()
    {
        lock (_gate)
        {
            if (_handler is not null) return _handler;
            var pinned = options.Certificate;
            _handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
            if (pinned is not null)
            {
                _handler.SslOptions = new SslClientAuthenticationOptions
                {
                    // The loopback address is not the certificate's name for every operator certificate; the pin is
                    // stronger than a name check: only the very certificate this server serves is accepted.
                    RemoteCertificateValidationCallback = (_, presented, _, _) => IsPinned(presented, pinned),
                };
            }
            return _handler;
        }
    }

    internal static bool IsPinned(X509Certificate? presented, X509Certificate2 pinned) =>
        presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(pinned.RawData);

    public void Dispose() => _handler?.Dispose();

    private sealed class SharedHandlerFactory(SocketsHttpHandler handler) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        // One HttpClient per AmazonS3Client over the shared handler; the SDK must not cache one across configs.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}

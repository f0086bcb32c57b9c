using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Strata.Client.Connection;

/// <summary>
/// Why an endpoint could not be talked to, in words a person can act on: nothing listens there, the
/// certificate is not trusted (and why), HTTPS spoken to a plain HTTP server or the other way round.
/// </summary>
public static class ConnectionFailure
{
    private const string CaHint = "pass --ca-bundle DATA/tls/ca.pem (the CA `strata serve --tls` wrote in its data directory) or set AWS_CA_BUNDLE";

    /// <summary>
    /// Explains <paramref name="error"/> (or an exception inside it) as a connection failure to
    /// <paramref name="endpoint"/>; null when it is not one. Synchronous: see <see cref="ExplainAsync"/> for the
    /// check that tells a TLS-only server from one that dropped the connection.
    /// </summary>
    public static string? Explain(Exception error, Uri? endpoint)
    {
        var where = endpoint is null ? "the endpoint" : endpoint.Authority;
        if (Find<SocketException>(error) is { } socket)
        {
            switch (socket.SocketErrorCode)
            {
                case SocketError.ConnectionRefused:
                    return $"Nothing listens at {where} (connection refused): start the server (`strata serve`) or check --endpoint-url.";
                case SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain:
                    return $"The host name in {where} does not resolve: check --endpoint-url.";
                case SocketError.TimedOut or SocketError.HostUnreachable or SocketError.NetworkUnreachable:
                    return $"{where} cannot be reached ({socket.SocketErrorCode}): check --endpoint-url and the network.";
            }
        }
        if (Find<AuthenticationException>(error) is { } tls)
        {
            if (CertificateProblem(tls.Message) is { } problem)
            {
                return $"The server's TLS certificate is not trusted: {problem}. If it is a Strata server, {CaHint}.";
            }
            return $"The server at {where} does not answer HTTPS (the TLS handshake failed: {tls.Message.TrimEnd('.')}). "
                + $"If it serves plain HTTP, use http://{where} in --endpoint-url.";
        }
        if (Find<HttpIOException>(error) is { } io && io.HttpRequestError is HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse)
        {
            return $"{where} closed the connection without an HTTP answer ({io.Message.TrimEnd('.')}). Check --endpoint-url: http:// or https://, and the port.";
        }
        if (Find<HttpRequestException>(error) is { } http)
        {
            switch (http.HttpRequestError)
            {
                case HttpRequestError.NameResolutionError:
                    return $"The host name in {where} does not resolve: check --endpoint-url.";
                case HttpRequestError.SecureConnectionError:
                    return $"The HTTPS connection to {where} failed ({http.Message.TrimEnd('.')}). If it serves plain HTTP, use http://{where} in --endpoint-url.";
                case HttpRequestError.ConnectionError or HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError:
                    return $"{where} closed the connection without an HTTP answer ({http.Message.TrimEnd('.')}). Check --endpoint-url: http:// or https://, and the port.";
            }
            return $"Could not reach {where}: {http.Message} Check --endpoint-url and that the server is running.";
        }
        return null;
    }

    /// <summary>
    /// As <see cref="Explain"/>, and when a plain HTTP request got no answer, tries a TLS handshake with the same
    /// port: a server that completes it speaks HTTPS there, and the fix is https://.
    /// </summary>
    /// <param name="error">What the request threw.</param>
    /// <param name="endpoint">The endpoint it was sent to.</param>
    /// <param name="caBundle">The CA bundle the client trusted (--ca-bundle), or null for the system's CAs.</param>
    /// <param name="cancellationToken">Stops the check.</param>
    public static async Task<string?> ExplainAsync(Exception error, Uri? endpoint, string? caBundle = null, CancellationToken cancellationToken = default)
    {
        var explained = Explain(error, endpoint);
        if (explained is null || endpoint is null) return explained;
        if (Find<SocketException>(error) is { SocketErrorCode: SocketError.ConnectionRefused }) return explained;
        var certificate = await TlsCertificateAsync(endpoint, cancellationToken);
        if (endpoint.Scheme == Uri.UriSchemeHttp)
        {
            return certificate is null ? explained
                : $"The server at {endpoint.Authority} speaks HTTPS, not plain HTTP: use https://{endpoint.Authority} in --endpoint-url, and {CaHint}.";
        }
        if (certificate is null || Find<AuthenticationException>(error) is null) return explained;
        using (certificate)
        {
            return Describe(certificate, endpoint.IdnHost, caBundle) is { } problem
                ? $"The server's TLS certificate is not trusted: {problem}. {(caBundle is null ? $"If it is a Strata server, {CaHint}." : "Check --ca-bundle.")}"
                : explained;
        }
    }

    /// <summary>What is wrong with the certificate the server presented, checked here the way the failed handshake checked it.</summary>
    private static string? Describe(X509Certificate2 certificate, string host, string? caBundle)
    {
        var now = DateTime.Now;
        if (certificate.NotAfter < now) return $"it expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd HH:mm}Z (let the server make a new one, or renew it)";
        if (certificate.NotBefore > now) return $"it is not valid until {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd HH:mm}Z (check this machine's clock)";
        if (!certificate.MatchesHostname(host, allowWildcards: true, allowCommonName: true))
        {
            return $"it is issued for other names than {host} ({certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false)}...): use a name it lists, such as localhost or 127.0.0.1 for a generated one";
        }
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (caBundle is not null)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPemFile(caBundle);
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        }
        if (chain.Build(certificate)) return null;
        return caBundle is null
            ? $"it is self-signed or issued by a CA this machine does not trust (issuer {certificate.Issuer})"
            : $"it is not issued by a CA in {caBundle} (issuer {certificate.Issuer})";
    }

    /// <summary>The certificate the port presents in a TLS handshake, or null when it does not speak TLS. Nothing is sent over the connection.</summary>
    private static async Task<X509Certificate2?> TlsCertificateAsync(Uri endpoint, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
            // Only asks whether the port speaks TLS at all: nothing is sent over this connection, so trust does not matter.
            await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = endpoint.IdnHost }, timeout.Token);
            return ssl.RemoteCertificate is { } presented ? new X509Certificate2(presented) : null;
        }
        catch (Exception e) when (e is IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The certificate problem named in .NET's handshake message, or null when the handshake failed for another reason.</summary>
    private static string? CertificateProblem(string message)
    {
        if (message.Contains("RemoteCertificateNameMismatch", StringComparison.Ordinal))
        {
            return "it was issued for another host name than the one in --endpoint-url (use a name the certificate lists, such as localhost or 127.0.0.1)";
        }
        if (message.Contains("NotTimeValid", StringComparison.Ordinal))
        {
            return "it has expired or is not valid yet (check the clock, or let the server make a new one)";
        }
        if (message.Contains("UntrustedRoot", StringComparison.Ordinal) || message.Contains("PartialChain", StringComparison.Ordinal))
        {
            return "it is self-signed or issued by a CA this machine does not trust";
        }
        if (message.Contains("RemoteCertificateValidationCallback", StringComparison.Ordinal))
        {
            return "it is not issued by a CA this client trusts (the system's, or the one in --ca-bundle / AWS_CA_BUNDLE), or names another host, or has expired";
        }
        if (message.Contains("certificate", StringComparison.OrdinalIgnoreCase)) return message.TrimEnd('.');
        return null;
    }

    private static T? Find<T>(Exception? error) where T : Exception
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is T found) return found;
        }
        return null;
    }
}

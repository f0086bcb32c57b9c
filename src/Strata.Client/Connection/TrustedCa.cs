using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Strata.Client.Connection;

/// <summary>
/// HTTPS to a server whose certificate comes from a private CA (such as the one `strata serve --tls`
/// generates in DATA/tls/ca.pem): the chain must end at that CA, and only at it.
/// </summary>
public static class TrustedCa
{
    /// <summary>A handler that trusts the CA certificate(s) in <paramref name="caPemPath"/> for server certificates.</summary>
    public static SocketsHttpHandler CreateHandler(string caPemPath)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caPemPath);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            // The CA replaces the system's roots, not the check that the certificate names the host dialled.
            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = new X509Certificate2(certificate);
            return chain.Build(presented);
        };
        return handler;
    }

    /// <summary>Checks that <paramref name="caPemPath"/> is a readable file holding at least one PEM certificate.</summary>
    /// <exception cref="StrataClientException">It is missing, unreadable or holds no certificate; the message names the file.</exception>
    public static void EnsureReadable(string caPemPath)
    {
        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(caPemPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new StrataClientException($"The CA bundle '{caPemPath}' cannot be read ({e.Message.TrimEnd('.')}): give --ca-bundle the PEM file, e.g. DATA/tls/ca.pem.", e);
        }
        if (authorities.Count == 0)
        {
            throw new StrataClientException($"The CA bundle '{caPemPath}' holds no PEM certificate: give --ca-bundle the CA's PEM file, e.g. DATA/tls/ca.pem.");
        }
    }
}

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
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var presented = new X509Certificate2(certificate);
            return chain.Build(presented);
        };
        return handler;
    }
}

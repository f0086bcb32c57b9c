using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Strata.Server.Hosting;

/// <summary>
/// The HTTPS certificate: the user's (--tls-cert/--tls-key, PEM), or one generated on first start under
/// DATA/tls/: a small local CA (ca.pem, to give clients: aws --ca-bundle, boto3 verify=) and a server
/// certificate it signed for localhost, *.localhost, 127.0.0.1 and ::1. A separate CA keeps strict
/// verifiers happy, which refuse a CA certificate used as the server's own.
/// </summary>
internal static class TlsCertificates
{
    public static X509Certificate2 Load(string certPath, string keyPath) => X509Certificate2.CreateFromPemFile(certPath, keyPath);

    /// <summary>The operator's certificate and key (--tls-cert, --tls-key), checked before anything else starts.</summary>
    /// <exception cref="ServeRefusedException">One of the two is missing, unreadable, not PEM, or they do not match.</exception>
    public static X509Certificate2 LoadGiven(string? certPath, string? keyPath)
    {
        if (certPath is null || keyPath is null) throw new ServeRefusedException("--tls-cert and --tls-key go together: give both (PEM files), or neither to use a generated certificate.", usage: true);
        foreach (var (option, path) in new[] { ("--tls-cert", certPath), ("--tls-key", keyPath) })
        {
            if (!File.Exists(path)) throw new ServeRefusedException($"{option} {path}: no such file.");
        }
        try
        {
            return Load(certPath, keyPath);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new ServeRefusedException($"--tls-cert {certPath} / --tls-key {keyPath} cannot be read: {e.Message}");
        }
        catch (CryptographicException e)
        {
            throw new ServeRefusedException($"--tls-cert {certPath} / --tls-key {keyPath} are not a PEM certificate and its matching private key: {e.Message}");
        }
    }

    /// <summary>The generated certificate, created if missing; <paramref name="caPath"/> is what clients should trust.</summary>
    public static X509Certificate2 LoadOrCreate(string dataDirectory, out string caPath, out bool created)
    {
        var folder = Path.Combine(dataDirectory, "tls");
        caPath = Path.Combine(folder, "ca.pem");
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        created = !File.Exists(certPath) || !File.Exists(keyPath);
        if (created) Create(folder, caPath, certPath, keyPath);
        return Load(certPath, keyPath);
    }

    private static void Create(string folder, string caPath, string certPath, string keyPath)
    {
        Directory.CreateDirectory(folder);
        var notBefore = DateTimeOffset.UtcNow.AddDays(-1);
        var notAfter = notBefore.AddYears(5);

        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Strata local CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(notBefore, notAfter);

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName("*.localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(ca.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single()));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var server = request.Create(ca, notBefore, notAfter.AddDays(-1), serial);

        File.WriteAllText(caPath, ca.ExportCertificatePem() + "\n");
        File.WriteAllText(certPath, server.ExportCertificatePem() + "\n" + ca.ExportCertificatePem() + "\n");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var key = new StreamWriter(new FileStream(keyPath, options));
        key.Write(serverKey.ExportPkcs8PrivateKeyPem());
    }
}

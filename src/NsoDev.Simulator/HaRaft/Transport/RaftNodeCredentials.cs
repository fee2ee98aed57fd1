using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>
/// A node's TLS material from its ncs.conf <c>ha-raft/ssl</c> leaves (NSO-NOTES §13): its certificate with
/// the private key, and the cluster CA, the only certificates trusted for peers.
/// </summary>
internal sealed class RaftNodeCredentials : IDisposable
{
    private RaftNodeCredentials(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        Certificate = certificate;
        Authorities = authorities;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates of <c>ca-cert-file</c>; a peer is accepted when one of them accepts it.</summary>
    public X509Certificate2Collection Authorities { get; }

    /// <exception cref="RaftTransportException">A file is missing, unreadable, not PEM, or the key does not fit the certificate.</exception>
    public static RaftNodeCredentials Load(RaftTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Readable(options.CertFile, "cert-file");
        Readable(options.KeyFile, "key-file");
        Readable(options.CaCertFile, "ca-cert-file");

        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(options.CertFile, options.KeyFile);
        }
        catch (CryptographicException e)
        {
            throw new RaftTransportException(
                $"HA Raft cannot use the node certificate {options.CertFile} (/ncs-config/ha-raft/ssl/cert-file) with the key {options.KeyFile} (ssl/key-file): {e.Message}. " +
                "Give a PEM certificate and its unencrypted PEM private key, as NsoDev writes them in ha-tls/node.crt and ha-tls/node.key.", e);
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(options.CaCertFile);
        }
        catch (CryptographicException e)
        {
            certificate.Dispose();
            throw new RaftTransportException(
                $"HA Raft cannot read the cluster CA {options.CaCertFile} (/ncs-config/ha-raft/ssl/ca-cert-file): {e.Message}. Give the cluster CA's certificate in PEM, as NsoDev writes it in ha-tls/ca.crt.", e);
        }

        if (authorities.Count == 0)
        {
            certificate.Dispose();
            throw new RaftTransportException(
                $"HA Raft found no certificate in {options.CaCertFile} (/ncs-config/ha-raft/ssl/ca-cert-file). Give the cluster CA's certificate in PEM (-----BEGIN CERTIFICATE-----), as NsoDev writes it in ha-tls/ca.crt.");
        }

        return new RaftNodeCredentials(certificate, authorities);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        foreach (var authority in Authorities)
        {
            authority.Dispose();
        }
    }

    private static void Readable(string path, string leaf)
    {
        if (!File.Exists(path))
        {
            throw new RaftTransportException(
                $"HA Raft cannot read {path} (/ncs-config/ha-raft/ssl/{leaf}): no such file. Point ssl/{leaf} at the node's file (a path relative to the run directory, as ha-tls/ in NsoDev's nodes), or create it.");
        }

        try
        {
            using var _ = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RaftTransportException($"HA Raft cannot read {path} (/ncs-config/ha-raft/ssl/{leaf}): {e.Message}. Make it readable by the user that runs the node.", e);
        }
    }
}

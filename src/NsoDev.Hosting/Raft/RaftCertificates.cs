using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Raft;

/// <summary>
/// A cluster's CA and its nodes' certificates, made with .NET's X.509 API in the shape of Cisco's HA
/// certificate scripts (NSO-NOTES §13): EC P-384 keys, ECDSA with SHA-384, one CA per cluster.
/// Pure: nothing is written here (see <see cref="RaftTlsFiles"/>).
/// </summary>
internal static class RaftCertificates
{
    /// <summary>The ≤6.6 recipe's CA lifetime (<c>-days 3652</c>).</summary>
    public static readonly TimeSpan AuthorityLifetime = TimeSpan.FromDays(3652);

    /// <summary>The 6.7 <c>create-cert</c> lifetime of a node certificate (<c>-days 365</c>).</summary>
    public static readonly TimeSpan NodeLifetime = TimeSpan.FromDays(365);

    /// <summary>Not-before is set this far back, so that a peer whose clock is a little behind accepts a new certificate.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Cisco's example adds the IPv6 loopback to every node certificate (<c>create-cert nN 127.0.0.1 ::1</c>).</summary>
    public static readonly IPAddress Ipv6Loopback = IPAddress.IPv6Loopback;

    public static X509Certificate2 CreateAuthority(string clusterName, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterName);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest(AuthoritySubject(clusterName), key, HashAlgorithmName.SHA384);
        // Path length 0: this CA signs node certificates only, never another CA.
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForCertificateAuthority(pathLengthConstraint: 0));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return request.CreateSelfSigned(now - ClockSkew, now + AuthorityLifetime);
    }

    /// <summary>
    /// A node certificate signed by <paramref name="authority"/>, which must hold its private key. The node
    /// is both TLS server and client to its peers, so it gets both purposes.
    /// </summary>
    public static X509Certificate2 IssueNode(X509Certificate2 authority, string nodeAddress, NsoRelease release, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var host = RaftTlsHost.FromNodeAddress(nodeAddress);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var request = new CertificateRequest(NodeSubject(nodeAddress), key, HashAlgorithmName.SHA384);
        request.CertificateExtensions.Add(X509BasicConstraintsExtension.CreateForEndEntity(critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([ServerAuth, ClientAuth], critical: false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(host, release));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // A node certificate cannot outlive its CA; the CA is reused only with 30 days left, so this never runs short.
        var notBefore = Max(now - ClockSkew, authority.NotBefore.ToUniversalTime());
        var notAfter = Min(now + NodeLifetime, authority.NotAfter.ToUniversalTime());
        using var signed = request.Create(authority, notBefore, notAfter, NewSerialNumber());
        return signed.CopyWithPrivateKey(key);
    }

    /// <summary>The SANs a node certificate gets for its host in a release: what that release's peers match, plus ::1.</summary>
    public static X509Extension SubjectAlternativeNames(RaftTlsHost host, NsoRelease release)
    {
        ArgumentNullException.ThrowIfNull(host);
        var names = new SubjectAlternativeNameBuilder();
        if (host.Ip is { } ip)
        {
            names.AddIpAddress(ip);
            if (RaftTlsPeerVerifier.NeedsIpAsDnsName(release))
            {
                names.AddDnsName(host.Name);
            }
        }
        else
        {
            names.AddDnsName(host.Name);
        }

        if (!Ipv6Loopback.Equals(host.Ip))
        {
            names.AddIpAddress(Ipv6Loopback);
        }

        return names.Build();
    }

    public static X500DistinguishedName AuthoritySubject(string clusterName) => Subject("NsoDev HA Raft CA " + clusterName.Trim());

    /// <summary>The node's certificate is named after its whole node address, so a changed node id gets a new one.</summary>
    public static X500DistinguishedName NodeSubject(string nodeAddress) => Subject(nodeAddress.Trim());

    private static readonly Oid ServerAuth = new("1.3.6.1.5.5.7.3.1", "Server Authentication");

    private static readonly Oid ClientAuth = new("1.3.6.1.5.5.7.3.2", "Client Authentication");

    private static X500DistinguishedName Subject(string commonName)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(commonName);
        builder.AddOrganizationName("NsoDev");
        return builder.Build();
    }

    /// <summary>
    /// NSO identifies a node by its certificate's serial number (<c>/ha-raft/status</c> serial-number), so
    /// serials are random (16 bytes, positive) rather than counted per CA.
    /// </summary>
    private static byte[] NewSerialNumber()
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

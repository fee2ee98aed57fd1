using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace NsoDev.Ipc.Raft;

/// <summary>
/// Whether an HA Raft node accepts the certificate a peer presents: signed by the cluster's CA, valid
/// now, and naming the peer's node address as that release matches it (NSO-NOTES §13). The reasons'
/// wording is ours; no public source gives NSO's. With <see cref="RaftTlsHost"/> it needs only the
/// BCL and NsoDev.Ipc, so both can move to a project the simulator shares.
/// </summary>
internal static class RaftTlsPeerVerifier
{
    /// <summary>The last release whose HA Raft matches an IP node address only against dNSName SANs.</summary>
    public static readonly NsoRelease LastReleaseMatchingIpAsDnsName = new(6, 6);

    /// <summary>Up to 6.6, an IP address in a peer's name is found only among the dNSName SANs.</summary>
    public static bool NeedsIpAsDnsName(NsoRelease release) => release <= LastReleaseMatchingIpAsDnsName;

    /// <summary>Null when the certificate is accepted; otherwise why it is refused and what to do.</summary>
    /// <param name="presented">The peer's certificate.</param>
    /// <param name="authority">The cluster CA, the only trust anchor (ssl/ca-cert-file).</param>
    /// <param name="expectedNodeAddress">The peer's node address, e.g. <c>ncsd2@127.0.0.1</c>.</param>
    /// <param name="release">The release whose matching rules apply.</param>
    /// <param name="now">The time to check validity at.</param>
    public static string? Refusal(X509Certificate2 presented, X509Certificate2 authority, string expectedNodeAddress, NsoRelease release, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(presented);
        ArgumentNullException.ThrowIfNull(authority);
        var host = RaftTlsHost.FromNodeAddress(expectedNodeAddress);
        var subject = presented.Subject;

        if (!IsSignedBy(presented, authority))
        {
            return $"certificate '{subject}' is not signed by the cluster CA '{authority.Subject}' (unknown CA): give every node certificates from the same cluster CA";
        }

        if (now < presented.NotBefore.ToUniversalTime())
        {
            return $"certificate '{subject}' is not valid before {presented.NotBefore.ToUniversalTime():u}: check the clocks of both hosts";
        }

        if (now > presented.NotAfter.ToUniversalTime())
        {
            return $"certificate '{subject}' expired at {presented.NotAfter.ToUniversalTime():u}: issue a new node certificate";
        }

        if (now > authority.NotAfter.ToUniversalTime())
        {
            return $"the cluster CA '{authority.Subject}' expired at {authority.NotAfter.ToUniversalTime():u}: create a new CA and node certificates";
        }

        var (dnsNames, ipAddresses) = SubjectAlternativeNames(presented);
        if (dnsNames.Contains(host.Name, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        if (host.Ip is { } ip && ipAddresses.Any(ip.Equals))
        {
            return NeedsIpAsDnsName(release)
                ? $"certificate '{subject}' names {host.Name} only as an iPAddress SAN, and NSO {release} matches an IP node address only against dNSName SANs: add DNS:{host.Name} to the certificate's subjectAltName"
                : null;
        }

        var names = dnsNames.Select(n => "DNS:" + n).Concat(ipAddresses.Select(a => "IP:" + a)).ToList();
        return $"certificate '{subject}' does not name the peer's address {host.Name} in its subjectAltName ({(names.Count == 0 ? "none" : string.Join(", ", names))}): issue it for node address '{expectedNodeAddress}'";
    }

    /// <summary>The certificate's dNSName and iPAddress SANs; empty when it has no SAN extension.</summary>
    public static (IReadOnlyList<string> DnsNames, IReadOnlyList<IPAddress> IpAddresses) SubjectAlternativeNames(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return extension is null
            ? ([], [])
            : (extension.EnumerateDnsNames().ToList(), extension.EnumerateIPAddresses().ToList());
    }

    /// <summary>A chain to the cluster CA alone: the system's roots are never trusted for the cluster.</summary>
    private static bool IsSignedBy(X509Certificate2 presented, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        // Validity is checked and reported on its own, so that an expired certificate is not called untrusted.
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.IgnoreNotTimeValid;
        return chain.Build(presented)
            && chain.ChainElements.Count == 2
            && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(authority.RawDataMemory.Span);
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace NsoDev.Ipc.Raft;

/// <summary>
/// The host part of an HA Raft node address, the name a peer's certificate must carry (NSO-NOTES §13):
/// <c>127.0.0.1</c> from <c>ncsd1@127.0.0.1</c>, or from 6.7's full name <c>ncsd1@127.0.0.1:4571</c>.
/// </summary>
/// <param name="Name">The host as written: an IP address in its canonical text, or a DNS name.</param>
/// <param name="Ip">The address when the host is an IP address; null for a DNS name.</param>
internal sealed record RaftTlsHost(string Name, IPAddress? Ip)
{
    public bool IsIp => Ip is not null;

    /// <summary>
    /// Reads the host from a node address. NSO refuses wildcards and short names without a dot
    /// (NSO-TOPOLOGIES §1.1), so they are refused here too, before any certificate is made for them.
    /// </summary>
    /// <exception cref="ArgumentException">The address has no usable host; the message says which form to use.</exception>
    public static RaftTlsHost FromNodeAddress(string nodeAddress)
    {
        ArgumentNullException.ThrowIfNull(nodeAddress);
        // The node id is split off as the ncs.conf writer splits it; only the host names the certificate.
        var host = StripPort(RaftNodeAddress.Parse(nodeAddress.Trim()).Host.Trim());
        if (host.Length == 0)
        {
            throw Refused(nodeAddress, "has no host after the node id");
        }

        if (IPAddress.TryParse(host, out var ip) && ip.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6)
        {
            if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            {
                throw Refused(nodeAddress, $"names the wildcard address {host}, which NSO does not accept as a node address");
            }

            return new RaftTlsHost(ip.ToString(), ip);
        }

        if (host.Contains('*', StringComparison.Ordinal))
        {
            throw Refused(nodeAddress, $"has the wildcard '{host}', which NSO does not accept as a node address");
        }

        if (!host.Contains('.', StringComparison.Ordinal))
        {
            throw Refused(nodeAddress, $"has the short host name '{host}'; NSO needs a name with a dot (an FQDN) or an IP address");
        }

        if (!host.Split('.').All(IsDnsLabel))
        {
            throw Refused(nodeAddress, $"has '{host}', which is neither an IP address nor a DNS name of letters, digits and hyphens");
        }

        return new RaftTlsHost(host.ToLowerInvariant(), null);
    }

    /// <summary>
    /// 6.7 writes the full node name as <c>ID@ADDRESS:PORT</c>; the port is no part of the certificate's
    /// name. A bare IPv6 address keeps its colons, a bracketed one with a port loses the brackets.
    /// </summary>
    private static string StripPort(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? host : host[1..close];
        }

        var colon = host.LastIndexOf(':');
        var isHostAndPort = colon > 0
            && host.IndexOf(':', StringComparison.Ordinal) == colon
            && int.TryParse(host.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out _);
        return isHostAndPort ? host[..colon] : host;
    }

    private static bool IsDnsLabel(string label) =>
        label.Length is > 0 and <= 63
        && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
        && label[0] != '-' && label[^1] != '-';

    private static ArgumentException Refused(string nodeAddress, string problem) =>
        new($"The HA Raft node address '{nodeAddress}' {problem}. Write it as ID@ADDRESS with an IP address or a dotted host name, e.g. ncsd1@127.0.0.1.", nameof(nodeAddress));
}

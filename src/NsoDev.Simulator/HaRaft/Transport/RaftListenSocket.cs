using System.Net;
using System.Net.Sockets;
using NsoDev.Ipc.Raft;

namespace NsoDev.Simulator.HaRaft.Transport;

/// <summary>
/// Binds a node's HA port on its node address's host (NSO-NOTES §14): 6.7's one <c>listen/port</c>, or up
/// to 6.6 the first free port of <c>listen/min-port..max-port</c>, as Erlang's distribution takes one.
/// </summary>
internal static class RaftListenSocket
{
    /// <exception cref="RaftTransportException">The port is taken, or the host is not this machine's.</exception>
    public static TcpListener BindListenPort(IPAddress address, int port)
    {
        if (port is < 1 or > 65535)
        {
            throw new RaftTransportException($"HA Raft listen/port {port} (/ncs-config/ha-raft/listen/port) is not a TCP port; give a port from 1 to 65535 (NSO's default is 4570).");
        }

        var (listener, error) = TryBind(address, port);
        return listener ?? throw error switch
        {
            SocketError.AddressAlreadyInUse => new RaftTransportException(
                $"HA Raft cannot listen on {Show(address, port)} (/ncs-config/ha-raft/listen/port): the port is in use by another process. " +
                "Stop what holds it, or give this node another listen/port (and the same port in the other nodes' seed-nodes and create-cluster member names)."),
            _ => NotLocal(address, port, error, "listen/port"),
        };
    }

    /// <exception cref="RaftTransportException">Every port of the range is taken, the range is empty, or the host is not this machine's.</exception>
    public static TcpListener BindDistributionPort(IPAddress address, (int Min, int Max) range)
    {
        var (min, max) = range;
        if (min is < 1 or > 65535 || max is < 1 or > 65535 || min > max)
        {
            throw new RaftTransportException(
                $"HA Raft listen/min-port {min} and max-port {max} (/ncs-config/ha-raft/listen) are not a range of TCP ports; give 1 <= min-port <= max-port <= 65535 (NSO's default is 4370 to 4399).");
        }

        for (var port = min; port <= max; port++)
        {
            var (listener, error) = TryBind(address, port);
            if (listener is not null)
            {
                return listener;
            }

            if (error != SocketError.AddressAlreadyInUse)
            {
                throw NotLocal(address, port, error, "listen/min-port");
            }
        }

        var ports = min == max ? $"port {min}" : $"ports {min}-{max}";
        throw new RaftTransportException(
            $"HA Raft cannot listen on {address} {ports} (/ncs-config/ha-raft/listen/min-port and max-port): every port of the range is in use by another process. " +
            "Stop what holds them, or widen the range (each node on a host needs a port of its own).");
    }

    /// <summary>The address a node's host names: the IP itself, or what the DNS name resolves to.</summary>
    /// <exception cref="RaftTransportException">The name does not resolve.</exception>
    public static async Task<IPAddress> ResolveAsync(RaftTlsHost host, CancellationToken cancellationToken)
    {
        if (host.Ip is { } ip)
        {
            return ip;
        }

        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host.Name, cancellationToken);
            return addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new RaftTransportException($"The HA Raft host {host.Name} resolves to no address; use a name in DNS or /etc/hosts, or an IP address.");
        }
        catch (SocketException e)
        {
            throw new RaftTransportException($"The HA Raft host {host.Name} does not resolve: {e.Message}. Use a name in DNS or /etc/hosts, or an IP address.", e);
        }
    }

    private static (TcpListener? Listener, SocketError Error) TryBind(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
            return (listener, SocketError.Success);
        }
        catch (SocketException e)
        {
            listener.Dispose();
            return (null, e.SocketErrorCode);
        }
    }

    private static RaftTransportException NotLocal(IPAddress address, int port, SocketError error, string leaf) =>
        new($"HA Raft cannot listen on {Show(address, port)} (/ncs-config/ha-raft/{leaf}): {error}. " +
            "The host of /ncs-config/ha-raft/listen/node-address must be an address of this machine, such as 127.0.0.1.");

    private static string Show(IPAddress address, int port) => new IPEndPoint(address, port).ToString();
}

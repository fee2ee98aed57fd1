using System.Net;
using System.Net.Sockets;

namespace NsoDev.Ipc;

/// <summary>Where an NSO daemon serves IPC: a TCP address and port, or a Unix socket path (NSO-NOTES §1).</summary>
public abstract record NsoIpcEndpoint
{
    /// <summary>Creates the socket and the address to connect it to.</summary>
    /// <returns>An unconnected socket and its peer address.</returns>
    public abstract (Socket Socket, EndPoint Address) CreateSocket();

    /// <summary>TCP IPC (<c>NCS_IPC_ADDR</c>, <c>NCS_IPC_PORT</c>).</summary>
    /// <param name="Address">The daemon's IP address.</param>
    /// <param name="Port">The daemon's IPC port.</param>
    public sealed record Tcp(string Address, int Port) : NsoIpcEndpoint
    {
        /// <inheritdoc/>
        public override (Socket Socket, EndPoint Address) CreateSocket()
        {
            var ip = IPAddress.Parse(Address);
            return (new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }, new IPEndPoint(ip, Port));
        }

        /// <inheritdoc/>
        public override string ToString() => $"tcp {Address}:{Port}";
    }

    /// <summary>Unix-socket IPC (<c>NCS_IPC_PATH</c>).</summary>
    /// <param name="Path">The socket path.</param>
    public sealed record UnixSocket(string Path) : NsoIpcEndpoint
    {
        /// <inheritdoc/>
        public override (Socket Socket, EndPoint Address) CreateSocket() =>
            (new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified), new UnixDomainSocketEndPoint(Path));

        /// <inheritdoc/>
        public override string ToString() => $"local {Path}";
    }
}

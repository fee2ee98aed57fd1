using System.Net;
using System.Net.Sockets;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// Where IPC is: a TCP address (<c>ncs-ipc-address</c>, <c>NCS_IPC_ADDR</c>/<c>NCS_IPC_PORT</c>) or a
/// Unix socket (<c>ncs-local-ipc/path</c>, <c>NCS_IPC_PATH</c>). Prints as <c>--status</c> shows it:
/// <c>tcp 127.0.0.1:4569</c> or <c>local /tmp/nso/nso-ipc</c>.
/// </summary>
internal abstract record IpcEndpoint
{
    /// <summary>sun_path is 108 bytes on Linux, one of them the terminating NUL.</summary>
    public const int MaxUnixPathBytes = 107;

    public abstract EndPoint SocketEndPoint { get; }

    public Socket NewSocket() => this is TcpIpcEndpoint tcp
        ? new Socket(tcp.EndPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
        : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
}

internal sealed record TcpIpcEndpoint(IPEndPoint EndPoint) : IpcEndpoint
{
    public override EndPoint SocketEndPoint => EndPoint;

    public override string ToString() => $"tcp {EndPoint}";
}

/// <param name="Path">The socket file, absolute.</param>
internal sealed record LocalIpcEndpoint(string Path) : IpcEndpoint
{
    public override EndPoint SocketEndPoint => new UnixDomainSocketEndPoint(Path);

    public override string ToString() => $"local {Path}";
}

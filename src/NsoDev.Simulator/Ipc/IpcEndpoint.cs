using System.Net;
using System.Net.Sockets;
using NsoDev.Ipc;

namespace NsoDev.Simulator.Ipc;

/// <summary>
/// Where IPC is: a TCP address (<c>ncs-ipc-address</c>, <c>NCS_IPC_ADDR</c>/<c>NCS_IPC_PORT</c>) or a
/// Unix socket (<c>ncs-local-ipc/path</c>, <c>NCS_IPC_PATH</c>). Prints as <c>--status</c> shows it:
/// <c>tcp 127.0.0.1:4569</c> or <c>local /tmp/nso/nso-ipc</c>.
/// </summary>
internal abstract record IpcEndpoint
{
    public const int MaxUnixPathBytes = IpcSocketPath.MaxBytes;

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

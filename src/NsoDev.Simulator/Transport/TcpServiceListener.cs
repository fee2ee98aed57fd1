using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.Configuration;

namespace NsoDev.Simulator.Transport;

/// <summary>A listening TCP socket: IPC on <c>ncs-ipc-address</c>, or a northbound service.</summary>
internal sealed class TcpServiceListener : ServiceListener
{
    private TcpServiceListener(ListenerConf conf, TcpListener socket, IConnectionHandler handler, Action<string> reportError)
        : base(socket.Server, handler, reportError)
    {
        Conf = conf;
        LocalEndPoint = (IPEndPoint)socket.LocalEndpoint;
    }

    public ListenerConf Conf { get; }

    /// <summary>The address actually bound; the port differs from ncs.conf when that says 0.</summary>
    public IPEndPoint LocalEndPoint { get; }

    public override string Name => Conf.Name;

    public override string ConfPath => Conf.ConfPath;

    public override string Transport => "tcp";

    public override string Address => LocalEndPoint.ToString();

    /// <exception cref="ListenerBindException">The address is taken or not ours.</exception>
    public static TcpServiceListener Bind(ListenerConf conf, IConnectionHandler handler, Action<string> reportError)
    {
        var socket = new TcpListener(conf.EndPoint);
        try
        {
            socket.Start();
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw ListenerBindException.For(conf, e);
        }

        return new TcpServiceListener(conf, socket, handler, reportError);
    }

    protected override string PeerOf(Socket connection) => connection.RemoteEndPoint?.ToString() ?? "tcp";
}

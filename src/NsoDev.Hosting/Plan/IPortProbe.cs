using System.Net;
using System.Net.Sockets;

namespace NsoDev.Hosting.Plan;

/// <summary>Tells whether a TCP port can be bound right now.</summary>
internal interface IPortProbe
{
    bool IsFree(int port);
}

/// <summary>Binds the wildcard address, which fails while any process listens on the port on any IPv4 address.</summary>
internal sealed class TcpPortProbe : IPortProbe
{
    public bool IsFree(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            socket.Listen(1);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}

using System.Net;
using System.Net.Sockets;

namespace NsoDev.Client.Tests.Sim;

/// <summary>Ports the kernel hands out on 127.0.0.1 right now; no test uses a fixed port.</summary>
internal static class FreeTcpPort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

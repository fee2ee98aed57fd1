using System.Net;
using System.Net.Sockets;

namespace NsoDev.Tests;

/// <summary>
/// Shared by the test projects and the benchmarks (linked, not referenced). Ports the OS says are free
/// on 127.0.0.1, all held at once while asking, so they differ. Free when asked, not when used: a caller
/// that binds one later must cope with losing it (<see cref="SimDaemon"/> starts again on new ones).
/// </summary>
internal static class FreePorts
{
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    public static int One() => Take(1)[0];
}

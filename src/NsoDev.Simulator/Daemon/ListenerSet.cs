using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// Every enabled listener of ncs.conf, bound all together or not at all: when one bind fails,
/// the ones already bound are closed, so a failed start leaves nothing half-started.
/// </summary>
internal sealed class ListenerSet : IAsyncDisposable
{
    private ListenerSet(IReadOnlyList<ServiceListener> ipc, IReadOnlyList<ServiceListener> northbound)
    {
        Ipc = ipc;
        Northbound = northbound;
    }

    /// <summary>One Unix socket, or TCP on ncs-ipc-address and each extra listen address.</summary>
    public IReadOnlyList<ServiceListener> Ipc { get; }

    /// <summary>NETCONF, CLI and web UI: what users connect to.</summary>
    public IReadOnlyList<ServiceListener> Northbound { get; }

    public IEnumerable<ServiceListener> All => [.. Ipc, .. Northbound];

    /// <exception cref="ListenerBindException">One address could not be bound; none is left bound.</exception>
    public static async Task<ListenerSet> BindAsync(
        IpcListenPlan ipc,
        NcsConf conf,
        IConnectionHandler ipcHandler,
        Func<ListenerConf, IConnectionHandler> northboundHandler,
        Action<string> reportError,
        Action<string> reportInfo)
    {
        var bound = new List<ServiceListener>();
        try
        {
            if (ipc.Local is { } local)
            {
                bound.Add(UnixSocketListener.Bind(local, ipc.LocalSource, ipcHandler, reportError, reportInfo));
            }

            foreach (var listener in ipc.Tcp)
            {
                bound.Add(TcpServiceListener.Bind(listener, ipcHandler, reportError));
            }

            var ipcCount = bound.Count;
            foreach (var listener in conf.Northbound.Where(l => l.Enabled))
            {
                bound.Add(TcpServiceListener.Bind(listener, northboundHandler(listener), reportError));
            }

            return new ListenerSet(bound[..ipcCount], bound[ipcCount..]);
        }
        catch (ListenerBindException)
        {
            foreach (var listener in bound)
            {
                await listener.DisposeAsync();
            }

            throw;
        }
    }

    public async ValueTask CloseNorthboundAsync()
    {
        foreach (var listener in Northbound)
        {
            await listener.DisposeAsync();
        }
    }

    public async ValueTask CloseIpcAsync()
    {
        foreach (var listener in Ipc)
        {
            await listener.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseNorthboundAsync();
        await CloseIpcAsync();
    }
}

using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Transport;

namespace NsoDev.Simulator.Daemon;

/// <summary>
/// Every enabled listener of ncs.conf, bound all together or not at all: when one bind fails,
/// the ones already bound are closed, so a failed start leaves nothing half-started.
/// </summary>
internal sealed class ListenerSet : IAsyncDisposable
{
    private ListenerSet(TcpServiceListener ipc, IReadOnlyList<TcpServiceListener> northbound)
    {
        Ipc = ipc;
        Northbound = northbound;
    }

    public TcpServiceListener Ipc { get; }

    /// <summary>NETCONF, CLI and web UI: what users connect to.</summary>
    public IReadOnlyList<TcpServiceListener> Northbound { get; }

    public IEnumerable<TcpServiceListener> All => [Ipc, .. Northbound];

    /// <exception cref="ListenerBindException">One address could not be bound; none is left bound.</exception>
    public static async Task<ListenerSet> BindAsync(
        NcsConf conf,
        IConnectionHandler ipcHandler,
        Func<ListenerConf, IConnectionHandler> northboundHandler,
        Action<string> reportError)
    {
        var bound = new List<TcpServiceListener>();
        try
        {
            bound.Add(TcpServiceListener.Bind(conf.Ipc, ipcHandler, reportError));
            foreach (var listener in conf.Listeners.Skip(1).Where(l => l.Enabled))
            {
                bound.Add(TcpServiceListener.Bind(listener, northboundHandler(listener), reportError));
            }
        }
        catch (ListenerBindException)
        {
            foreach (var listener in bound)
            {
                await listener.DisposeAsync();
            }

            throw;
        }

        return new ListenerSet(bound[0], bound[1..]);
    }

    public async ValueTask CloseNorthboundAsync()
    {
        foreach (var listener in Northbound)
        {
            await listener.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseNorthboundAsync();
        await Ipc.DisposeAsync();
    }
}

using NsoDev.Simulator.HaRaft;

namespace NsoDev.Simulator.Tests.HaRaft;

/// <summary>Nodes that reach each other by a direct call; a stopped node neither answers nor sends.</summary>
internal sealed class InMemoryRaftNetwork
{
    private readonly Dictionary<string, RaftRequestHandler> _handlers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _down = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public IRaftTransport TransportFor(string nodeName) => new Transport(this, nodeName);

    /// <summary>The node stops answering and sending, as a stopped daemon does.</summary>
    public void Stop(string nodeName)
    {
        lock (_gate)
        {
            _down.Add(nodeName);
            _handlers.Remove(nodeName);
        }
    }

    private bool IsUp(string nodeName)
    {
        lock (_gate)
        {
            return !_down.Contains(nodeName) && _handlers.ContainsKey(nodeName);
        }
    }

    private sealed class Transport(InMemoryRaftNetwork network, string localNodeName) : IRaftTransport
    {
        public string LocalNodeName => localNodeName;

        public IReadOnlyCollection<string> ConnectedNodes
        {
            get
            {
                lock (network._gate)
                {
                    return network._down.Contains(localNodeName) ? [] : [.. network._handlers.Keys.Where(n => n != localNodeName)];
                }
            }
        }

        public Task StartAsync(RaftRequestHandler handler, CancellationToken cancellationToken)
        {
            lock (network._gate)
            {
                network._down.Remove(localNodeName);
                network._handlers[localNodeName] = handler;
            }

            return Task.CompletedTask;
        }

        public async Task<RaftMessage> RequestAsync(string peerNodeName, RaftMessage request, TimeSpan timeout, CancellationToken cancellationToken)
        {
            RaftRequestHandler? handler;
            lock (network._gate)
            {
                network._handlers.TryGetValue(peerNodeName, out handler);
            }

            if (!network.IsUp(localNodeName) || handler is null)
            {
                throw new RaftPeerUnreachableException($"{peerNodeName} is not running");
            }

            return await handler(localNodeName, request, cancellationToken);
        }

        public ValueTask DisposeAsync()
        {
            network.Stop(localNodeName);
            return ValueTask.CompletedTask;
        }
    }
}

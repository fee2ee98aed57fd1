using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.HaRaft;

/// <summary>
/// How one simulated HA Raft node reaches the others: over TLS with the cluster's certificates, each end
/// checking the other's as NSO does (NSO-NOTES §13). NSO's own node-to-node protocol (Erlang
/// distribution) is not public; what travels here is the simulator's own, and only its effects
/// (roles, replicated configuration) are meant to look like NSO's.
/// </summary>
internal interface IRaftTransport : IAsyncDisposable
{
    /// <summary>This node's member name: <c>ncsd1@127.0.0.1</c> up to 6.6, <c>ncsd1@127.0.0.1:4571</c> from 6.7.</summary>
    string LocalNodeName { get; }

    /// <summary>Member names of the nodes with a live, verified connection now (<c>/ha-raft/status/connected-node</c>).</summary>
    IReadOnlyCollection<string> ConnectedNodes { get; }

    /// <summary>Binds the HA port (6.7: <c>listen/port</c>; up to 6.6: a port of the distribution range, registered with epmd) and serves peers' requests with <paramref name="handler"/>.</summary>
    /// <exception cref="RaftTransportException">The port is taken, epmd refuses the node name, or the TLS files cannot be read; the message names the problem and the fix.</exception>
    Task StartAsync(RaftRequestHandler handler, CancellationToken cancellationToken);

    /// <summary>Sends one request to a member and returns its reply.</summary>
    /// <exception cref="RaftPeerUnreachableException">The member does not answer in <paramref name="timeout"/>, is not found, or one end refused the other's certificate; the message says which.</exception>
    Task<RaftMessage> RequestAsync(string peerNodeName, RaftMessage request, TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>Answers one request from the member <paramref name="fromNode"/>.</summary>
internal delegate Task<RaftMessage> RaftRequestHandler(string fromNode, RaftMessage request, CancellationToken cancellationToken);

/// <summary>One request or reply between two nodes: a type, such as <c>append</c> or <c>vote</c>, and text fields.</summary>
internal sealed record RaftMessage(string Type, IReadOnlyDictionary<string, string> Fields);

/// <summary>What a node's transport needs from its ncs.conf <c>/ncs-config/ha-raft</c> section.</summary>
internal sealed record RaftTransportOptions
{
    /// <summary><c>cluster-name</c>; a peer with another is refused, as NSO's differing Erlang cookie would be.</summary>
    public required string ClusterName { get; init; }

    /// <summary><c>listen/node-address</c>, e.g. <c>ncsd1@127.0.0.1</c>.</summary>
    public required string NodeAddress { get; init; }

    /// <summary>6.7: <c>listen/port</c>; null up to 6.6.</summary>
    public int? ListenPort { get; init; }

    /// <summary>Up to 6.6: <c>listen/min-port</c> and <c>max-port</c>.</summary>
    public (int Min, int Max) DistributionPorts { get; init; } = (4370, 4399);

    public required NsoVersion Release { get; init; }

    /// <summary><c>ssl/key-file</c>, <c>cert-file</c>, <c>ca-cert-file</c>, resolved against the run directory.</summary>
    public required string KeyFile { get; init; }

    public required string CertFile { get; init; }

    public required string CaCertFile { get; init; }

    /// <summary>Where refusals and connections are written, as <c>logs/raft.log</c> shows them.</summary>
    public required Action<string> Log { get; init; }
}

/// <summary>The transport cannot start; the message names the problem and the fix.</summary>
internal sealed class RaftTransportException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A member could not be reached or was refused; the message says why.</summary>
internal sealed class RaftPeerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

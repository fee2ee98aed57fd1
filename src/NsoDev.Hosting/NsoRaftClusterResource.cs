namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// An HA Raft cluster of NSO instances on this machine (<c>AddNsoRaftCluster</c>), shown as the parent of its
/// nodes. Its <c>netconf</c> and <c>cli</c> endpoints are the cluster's <c>ha-primary-listen</c> addresses, which
/// only the current leader binds, so a dependent that uses them always reaches the leader.
/// </summary>
public sealed class NsoRaftClusterResource : Resource, IResourceWithEndpoints, IResourceWithWaitSupport
{
    /// <summary>The name of the leader's NETCONF-over-SSH endpoint.</summary>
    public const string NetconfEndpointName = "netconf";

    /// <summary>The name of the leader's CLI-over-SSH endpoint.</summary>
    public const string CliEndpointName = "cli";

    private readonly List<NsoResource> _nodes = [];

    /// <summary>Creates the cluster resource; its nodes are added by <c>AddNsoRaftCluster</c>.</summary>
    /// <param name="name">The resource name, also the cluster name in every node's ncs.conf.</param>
    public NsoRaftClusterResource(string name)
        : base(name)
    {
        NetconfEndpoint = new EndpointReference(this, NetconfEndpointName);
        CliEndpoint = new EndpointReference(this, CliEndpointName);
    }

    /// <summary>The nodes, in order: the first is the intended leader, on which the cluster is created.</summary>
    public IReadOnlyList<NsoResource> Nodes => _nodes;

    /// <summary>The leader's NETCONF over SSH (<c>ha-primary-listen</c>).</summary>
    public EndpointReference NetconfEndpoint { get; }

    /// <summary>The leader's CLI over SSH (<c>ha-primary-listen</c>).</summary>
    public EndpointReference CliEndpoint { get; }

    internal void AddNode(NsoResource node) => _nodes.Add(node);
}

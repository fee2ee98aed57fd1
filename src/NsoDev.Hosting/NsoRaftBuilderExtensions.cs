using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Reference;
using NsoDev.Hosting.Serve;

namespace Aspire.Hosting;

/// <summary>Declares HA Raft clusters of NSO instances on this machine and points other resources at their leader.</summary>
public static class NsoRaftBuilderExtensions
{
    /// <summary>The most nodes a cluster may have here.</summary>
    public const int MaxNodes = 9;

    /// <summary>
    /// Adds an HA Raft cluster of <paramref name="nodes"/> NSO instances, <c>NAME-1</c> to <c>NAME-N</c>, shown as
    /// children of the cluster. Each node is an instance as <c>AddNso</c> makes it (its own IPC, NETCONF and CLI
    /// ports and run directory), with an <c>ha-raft</c> section for the engine's release: node address
    /// <c>ncsdN@127.0.0.1</c>, its own planned HA port (6.7's <c>listen/port</c>; up to 6.6 a one-port distribution
    /// range beside epmd), every other node as a seed, and TLS always on, with a cluster CA and node certificates
    /// made in <c>.nso/NAME/ca</c>. All nodes share the <c>ha-primary-listen</c> endpoints, which only the leader
    /// binds: the cluster's <c>netconf</c> and <c>cli</c> endpoints, on NSO's stock ports when free. Once every
    /// node runs, the cluster is created on node 1 with <c>ha-raft create-cluster</c>; the cluster is Running when
    /// every node leads or follows.
    /// </summary>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource name, also the cluster name in ncs.conf.</param>
    /// <param name="nodes">How many nodes, 1 to 9; 3 tolerates the loss of one.</param>
    /// <returns>The cluster's resource builder.</returns>
    public static IResourceBuilder<NsoRaftClusterResource> AddNsoRaftCluster(this IDistributedApplicationBuilder builder, [ResourceName] string name, int nodes = 3)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (nodes is < 1 or > MaxNodes)
        {
            throw new ArgumentOutOfRangeException(nameof(nodes), nodes, $"HA Raft cluster '{name}' asks for {nodes} nodes; a cluster here has from 1 to {MaxNodes}. Pass an odd count such as 3 or 5: a cluster of N nodes keeps a leader while more than N/2 run.");
        }

        var cluster = new NsoRaftClusterResource(name);
        NsoEndpoints.DeclareCluster(cluster);
        var clusterBuilder = builder.AddResource(cluster)
            .WithInitialState(RaftDashboard.InitialSnapshot())
            .WithRaftClusterCommands()
            .ExcludeFromManifest();
        for (var ordinal = 1; ordinal <= nodes; ordinal++)
        {
            var node = builder.AddNso($"{name}-{ordinal}").WithParentRelationship(cluster);
            node.Resource.Declaration().Raft = new RaftMembership(cluster, ordinal);
            cluster.AddNode(node.Resource);
        }

        return clusterBuilder;
    }

    /// <summary>Node <paramref name="ordinal"/> of the cluster (from 1), to configure it as any instance, or to reference its IPC.</summary>
    /// <param name="cluster">The cluster's builder.</param>
    /// <param name="ordinal">The node's number, 1 to the node count; node 1 is where the cluster is created.</param>
    /// <returns>The node's resource builder.</returns>
    public static IResourceBuilder<NsoResource> GetNode(this IResourceBuilder<NsoRaftClusterResource> cluster, int ordinal)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var nodes = cluster.Resource.Nodes;
        if (ordinal < 1 || ordinal > nodes.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"HA Raft cluster '{cluster.Resource.Name}' has nodes 1 to {nodes.Count}; pass one of those numbers.");
        }

        return cluster.ApplicationBuilder.CreateResourceBuilder(nodes[ordinal - 1]);
    }

    /// <summary>
    /// Points <paramref name="builder"/>'s resource at the cluster's leader: <c>NAME_NETCONF_HOST</c>, <c>NAME_NETCONF_PORT</c>,
    /// <c>NAME_CLI_HOST</c> and <c>NAME_CLI_PORT</c> are the <c>ha-primary-listen</c> endpoints, which follow the
    /// leadership, and <c>NAME_NODES</c> lists the nodes. With <paramref name="ipcNode"/> it also gets that node's
    /// IPC as <c>WithReference(node)</c> gives it (the connection string and <c>NCS_IPC_*</c>): IPC reaches one
    /// daemon, which may or may not lead.
    /// </summary>
    /// <typeparam name="TDestination">The dependent resource.</typeparam>
    /// <param name="builder">The dependent's builder.</param>
    /// <param name="cluster">The cluster.</param>
    /// <param name="ipcNode">The node whose IPC the dependent gets (1 to the node count); null for none.</param>
    /// <returns>The dependent's builder.</returns>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<NsoRaftClusterResource> cluster, int? ipcNode = null)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(cluster);
        if (ipcNode is { } ordinal)
        {
            builder.WithReference(cluster.GetNode(ordinal));
        }

        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        builder.WithReferenceRelationship(cluster.Resource);
        return builder.WithEnvironment(context => RaftClusterEnvironment.Apply(context, cluster.Resource));
    }
}

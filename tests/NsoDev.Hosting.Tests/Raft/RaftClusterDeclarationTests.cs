using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Raft;

/// <summary>AddNsoRaftCluster's model and its port plan: the nodes, their HA ports, the leader endpoints, references and bad input.</summary>
public sealed class RaftClusterDeclarationTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nsodev-raft-decl-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private (IReadOnlyList<NsoInstancePlan> Plans, PortLease Lease) Plan(IDistributedApplicationBuilder builder, params int[] busy) =>
        new NsoPlanner(new FakePortProbe(busy), new PortLeases(Path.Combine(_root, "leases")))
            .Plan([.. builder.Resources.OfType<NsoResource>()], Path.Combine(_root, "run"), new NcsConfTemplate.SingleFile("/t"));

    [Fact]
    public void A_cluster_of_three_has_three_nodes_named_after_it_as_its_children_and_stays_out_of_the_manifest()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var raft = builder.AddNsoRaftCluster("raft");

        Assert.Equal(["raft-1", "raft-2", "raft-3"], raft.Resource.Nodes.Select(n => n.Name));
        Assert.All(raft.Resource.Nodes, n => Assert.Same(raft.Resource, n.Annotations.OfType<ResourceRelationshipAnnotation>().Single(a => a.Type == "Parent").Resource));
        Assert.Same(raft.Resource.Nodes[1], raft.GetNode(2).Resource);
        Assert.Contains(raft.Resource.Annotations, a => a is ManifestPublishingCallbackAnnotation);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    public void A_node_count_outside_1_to_9_is_refused_with_the_range_and_an_example(int nodes)
    {
        var builder = DistributedApplication.CreateBuilder([]);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => builder.AddNsoRaftCluster("raft", nodes));

        Assert.Contains($"HA Raft cluster 'raft' asks for {nodes} nodes; a cluster here has from 1 to 9. Pass an odd count such as 3 or 5", error.Message, StringComparison.Ordinal);
        Assert.Empty(builder.Resources);
    }

    [Fact]
    public void Get_node_outside_the_cluster_names_the_nodes_there_are()
    {
        var raft = DistributedApplication.CreateBuilder([]).AddNsoRaftCluster("raft", 3);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => raft.GetNode(4));

        Assert.Contains("HA Raft cluster 'raft' has nodes 1 to 3; pass one of those numbers.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_leader_endpoints_get_nso_s_stock_ports_and_each_node_its_block_with_its_own_ha_port()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddNsoRaftCluster("raft", 3);

        var (plans, lease) = Plan(builder);
        using var held = lease;

        var cluster = plans[0].Raft!.Cluster;
        Assert.Equal((2022, 2024), (cluster.PrimaryListen.NetconfSshPort, cluster.PrimaryListen.CliSshPort));
        Assert.Equal([20004, 20014, 20024], plans.Select(p => p.PortOf(NsoPortKind.HaRaft)!.Value));
        Assert.Equal([20000, 20010, 20020], plans.Select(p => p.PortOf(NsoPortKind.Ipc)!.Value));
        Assert.All(plans, p => Assert.Same(cluster, p.Raft!.Cluster));
        Assert.Equal([1, 2, 3], cluster.Members.Select(m => m.Ordinal));
    }

    [Fact]
    public void Busy_stock_ports_move_the_leader_endpoints_to_the_cluster_s_own_block()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddNsoRaftCluster("raft", 3);

        var (plans, lease) = Plan(builder, 2022, 2024);
        using var held = lease;

        var primary = plans[0].Raft!.Cluster.PrimaryListen;
        Assert.Equal((20031, 20032), (primary.NetconfSshPort, primary.CliSshPort));
    }

    [Fact]
    public void The_leader_endpoints_and_ha_ports_are_kept_across_runs_while_free()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddNsoRaftCluster("raft", 3);
        (IReadOnlyList<NsoInstancePlan> Plans, PortLease Lease) first = Plan(builder, 2022);
        first.Lease.Dispose();
        var kept = first.Plans[0].Raft!.Cluster.PrimaryListen;
        foreach (var plan in first.Plans)
        {
            plan.RunDirectory.WriteState(RunState.From(plan.Ports.Ports, pid: null, executable: null, new Dictionary<string, string?>()));
        }

        // As the fleet records them once it has planned the cluster.
        var cluster = first.Plans[0].Raft!.Cluster;
        new RunDirectory(cluster.ClusterDirectory).WriteState(RunState.From(cluster.LeaderPorts, pid: null, executable: null, new Dictionary<string, string?>()));

        var (again, lease) = Plan(builder);
        using var held = lease;

        Assert.Equal(kept, again[0].Raft!.Cluster.PrimaryListen);
        Assert.Equal(first.Plans.Select(p => p.PortOf(NsoPortKind.HaRaft)), again.Select(p => p.PortOf(NsoPortKind.HaRaft)));
    }

    [Theory]
    [InlineData("6.7", "ncsd2@127.0.0.1:20014")]
    [InlineData("6.6", "ncsd2_")]
    public void Member_names_follow_the_release(string release, string start)
    {
        var builder = DistributedApplication.CreateBuilder([]);
        builder.AddNsoRaftCluster("raft", 3);
        var (plans, lease) = Plan(builder);
        using var held = lease;

        var node = plans[1].Raft!.NodeFor(NsoRelease.Parse(release));

        Assert.StartsWith(start, node.MemberName, StringComparison.Ordinal);
        if (release == "6.6")
        {
            Assert.Equal(new NsoDev.Hosting.Raft.RaftPortRange(20014, 20014), node.DistributionPorts);
            Assert.Matches(@"^ncsd2_[0-9a-f]{4}@127\.0\.0\.1$", node.MemberName);
        }
    }

    [Fact]
    public async Task A_dependent_of_the_cluster_gets_the_leader_endpoints_the_nodes_and_with_ipc_node_that_node_s_ipc()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var raft = builder.AddNsoRaftCluster("raft", 3);
        var (plans, lease) = Plan(builder);
        using var held = lease;
        NsoEndpoints.AllocateCluster(raft.Resource, plans[0].Raft!.Cluster);
        foreach (var (node, plan) in raft.Resource.Nodes.Zip(plans))
        {
            node.Published().Plan = plan;
            NsoEndpoints.Allocate(node, plan);
        }

        var client = builder.AddExecutable("tester", "sh", ".").WithReference(raft, ipcNode: 2);

        var environment = await ReferenceContractTests.EnvironmentOf(client.Resource);

        Assert.Equal("127.0.0.1", environment["RAFT_NETCONF_HOST"]);
        Assert.Equal("2022", environment["RAFT_NETCONF_PORT"]);
        Assert.Equal("2024", environment["RAFT_CLI_PORT"]);
        Assert.Equal("raft-1,raft-2,raft-3", environment["RAFT_NODES"]);
        Assert.Equal("20010", environment[NcsIpcVariables.Port]);
        Assert.Contains("ConnectionStrings__raft-2", environment.Keys);
    }
}

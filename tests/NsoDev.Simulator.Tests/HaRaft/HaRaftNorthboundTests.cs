using System.Xml.Linq;
using NsoDev.Ipc;
using NsoDev.Simulator.Cli;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.HaRaft;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.HaRaft;

/// <summary><c>show ha-raft</c>, the ha-raft actions in the CLI, and the same actions as NETCONF <c>&lt;action&gt;</c>.</summary>
public sealed class HaRaftNorthboundTests
{
    private static readonly NsoRelease Nso65 = new(6, 5);
    private static readonly FixedNcsState State = new("6.5", "started", []);

    private static CliCommands Cli(RaftTestCluster cluster, int node) => new(cluster.Datastore(node), State, haRaft: cluster[node]);

    [Fact]
    public async Task Create_cluster_in_the_cli_prints_nothing_and_show_ha_raft_shows_NSOs_lines()
    {
        using var cluster = new RaftTestCluster(3, Nso65);

        var created = Cli(cluster, 1).Run("ha-raft create-cluster member [ ncsd2@127.0.0.1 ncsd3@127.0.0.1 ]", 0);
        await cluster.RunTicksAsync(2, TestContext.Current.CancellationToken);
        var shown = Cli(cluster, 1).Run("show ha-raft", 0);

        Assert.Empty(created.Lines);
        Assert.False(created.Failed);
        Assert.Equal("ha-raft status role leader", shown.Lines[0]);
        Assert.Equal("ha-raft status leader ncsd1@127.0.0.1", shown.Lines[1]);
        Assert.Equal("ha-raft status member [ ncsd1@127.0.0.1 ncsd2@127.0.0.1 ncsd3@127.0.0.1 ]", shown.Lines[2]);
        Assert.Equal("ha-raft status connected-node [ ncsd2@127.0.0.1 ncsd3@127.0.0.1 ]", shown.Lines[3]);
        Assert.Equal("ha-raft status local-node ncsd1@127.0.0.1", shown.Lines[4]);
        Assert.Contains("ha-raft status log replications ncsd2@127.0.0.1", shown.Lines);
    }

    [Theory]
    [InlineData("show ha-raft status role", "ha-raft status role follower")]
    [InlineData("sh ha-raft st lead", "ha-raft status leader ncsd1@127.0.0.1")]
    [InlineData("show ha-raft status member", "ha-raft status member [ ncsd1@127.0.0.1 ncsd2@127.0.0.1 ncsd3@127.0.0.1 ]")]
    [InlineData("show ha-raft status log applied-index", "ha-raft status log applied-index 1")]
    public async Task Show_ha_raft_takes_a_path_down_to_one_leaf(string command, string line)
    {
        using var cluster = new RaftTestCluster(3, Nso65);
        await cluster.CreateAsync(TestContext.Current.CancellationToken);

        Assert.Equal([line], Cli(cluster, 2).Run(command, 0).Lines);
    }

    [Fact]
    public void A_failed_action_prints_NSOs_error_and_fails_the_line()
    {
        using var cluster = new RaftTestCluster(3, Nso65);
        cluster.Stop(3);

        var outcome = Cli(cluster, 1).Run("ha-raft create-cluster member [ ncsd2@127.0.0.1 ncsd3@127.0.0.1 ]", 0);
        var handover = Cli(cluster, 2).Run("ha-raft handover to-member ncsd1@127.0.0.1", 0);

        Assert.True(outcome.Failed);
        Assert.Equal(["Error: NSO can't reach member node 'ncsd3@127.0.0.1'."], outcome.Lines);
        Assert.True(handover.Failed);
        Assert.StartsWith("Error: this node is not the leader (it is stalled)", handover.Lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Without_ha_raft_the_commands_are_unknown()
    {
        var cli = new CliCommands(RunningDatastore.InMemory(), State);

        Assert.Equal("syntax error: unknown command", cli.Run("ha-raft handover", 0).Lines[^1]);
        Assert.Equal("syntax error: unknown argument", cli.Run("show ha-raft", 0).Lines[^1]);
    }

    [Theory]
    [InlineData("urn:ietf:params:xml:ns:yang:1", false)]
    [InlineData("http://tail-f.com/ns/netconf/actions/1.0", true)]
    public async Task The_actions_run_as_NETCONF_actions_in_both_forms(string actionNamespace, bool tailf)
    {
        using var cluster = new RaftTestCluster(3, Nso65);
        var raft = "http://tail-f.com/ns/ncs/high-availability/raft";
        XElement Action(string body)
        {
            var path = XElement.Parse($"<ha-raft xmlns=\"{raft}\">{body}</ha-raft>");
            XNamespace ns = actionNamespace;
            return tailf ? new XElement(ns + "action", new XElement(ns + "data", path)) : new XElement(ns + "action", path);
        }

        var create = HaRaftNetconfActions.Handle(cluster[1], Action("<create-cluster><member>ncsd2@127.0.0.1</member><member>ncsd3@127.0.0.1</member></create-cluster>"));
        Assert.Same(RpcReply.Ok, create);
        Assert.Equal(RaftRole.Leader, cluster[1].Role);

        var refused = Assert.Throws<NetconfRpcException>(() => HaRaftNetconfActions.Handle(cluster[2], Action("<handover/>")));
        Assert.Equal("operation-failed", refused.Error.Tag);
        Assert.Contains("run handover on the leader ncsd1@127.0.0.1", refused.Error.Message, StringComparison.Ordinal);

        HaRaftNetconfActions.Handle(cluster[1], Action("<handover><to-member>ncsd3@127.0.0.1</to-member></handover>"));
        await cluster.RunUntilAsync(() => cluster[3].Role == RaftRole.Leader, TestContext.Current.CancellationToken);
    }

    [Fact]
    public void An_action_nso_sim_does_not_run_is_not_supported()
    {
        using var cluster = new RaftTestCluster(1, Nso65);
        var action = XElement.Parse("<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><ha-raft xmlns=\"http://tail-f.com/ns/ncs/high-availability/raft\"><reset/></ha-raft></action>");

        var error = Assert.Throws<NetconfRpcException>(() => HaRaftNetconfActions.Handle(cluster[1], action));

        Assert.Equal("operation-not-supported", error.Error.Tag);
    }
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;
using NsoDev.Ipc.Raft;

namespace NsoDev.Hosting.Raft;

/// <summary>
/// What the planner decided for one HA Raft cluster: each node's own HA port and the leader's endpoints.
/// The release-dependent parts (node ids, the listen form, member names) follow once the engine is known,
/// from <see cref="NodesFor"/>, so that every reader derives them from this one record.
/// </summary>
/// <param name="ClusterName">The cluster name, the same in every node's ncs.conf.</param>
/// <param name="ClusterDirectory">The cluster's folder (its CA, its state), beside the nodes' run directories.</param>
/// <param name="Members">The nodes in order; the first is the intended leader.</param>
/// <param name="PrimaryListen">The <c>ha-primary-listen</c> endpoints only the leader binds.</param>
internal sealed record RaftClusterPlan(string ClusterName, string ClusterDirectory, IReadOnlyList<RaftMemberPorts> Members, RaftPrimaryListen PrimaryListen)
{
    /// <summary>
    /// The node id of node <paramref name="ordinal"/>: <c>ncsdN</c>, as Cisco's example names them. Up to 6.6
    /// epmd holds every node name on the host, across clusters and app hosts, so there the id also carries a
    /// tag of the cluster's folder (<c>ncsd1_3fa2</c>), which keeps two app hosts' clusters apart.
    /// </summary>
    public string NodeId(int ordinal, NsoRelease release) =>
        "ncsd" + ordinal.ToString(CultureInfo.InvariantCulture) + (release >= RaftNode.SinglePortSince ? "" : "_" + FolderTag);

    /// <summary>Every node as its ncs.conf describes it for <paramref name="release"/>.</summary>
    /// <exception cref="RaftConfException">NSO would refuse the cluster; the message lists why.</exception>
    public IReadOnlyList<RaftNode> NodesFor(NsoRelease release)
    {
        var ownPort = release >= RaftNode.SinglePortSince;
        var addresses = Members.Select(m => new RaftNodeAddress(NodeId(m.Ordinal, release), RaftNode.Loopback)).ToList();
        var nodes = Members.Select((member, i) => new RaftNode
        {
            ClusterName = ClusterName,
            Address = addresses[i],
            Release = release,
            ListenPort = ownPort ? member.HaPort : null,
            // One planned port per node instead of NSO's shared 4370-4399, so clusters of several app hosts never race for one.
            DistributionPorts = ownPort ? null : new RaftPortRange(member.HaPort, member.HaPort),
            Seeds = [.. Members.Select((seed, j) => (seed, j)).Where(s => s.j != i).Select(s => new RaftSeedNode(addresses[s.j], ownPort ? s.seed.HaPort : null))],
            Tls = RaftNodeTls.InHaTls,
            PrimaryListen = PrimaryListen,
        }).ToList();
        RaftMembers.Validate(nodes);
        return nodes;
    }

    /// <summary>The leader endpoints' ports by kind, as the cluster's <c>nsodev.json</c> keeps them for the next run's plan.</summary>
    public IReadOnlyDictionary<NsoPortKind, int> LeaderPorts => new Dictionary<NsoPortKind, int>
    {
        [NsoPortKind.Netconf] = PrimaryListen.NetconfSshPort,
        [NsoPortKind.Cli] = PrimaryListen.CliSshPort,
    };

    /// <summary>Node <paramref name="ordinal"/> (from 1) for <paramref name="release"/>.</summary>
    public RaftNode NodeFor(int ordinal, NsoRelease release) => NodesFor(release)[Members.ToList().FindIndex(m => m.Ordinal == ordinal)];

    private string FolderTag => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(ClusterDirectory))))[..4];
}

/// <summary>One node's place in the plan: its ordinal (from 1), its instance and its HA port.</summary>
internal sealed record RaftMemberPorts(int Ordinal, string InstanceName, int HaPort);

/// <summary>An instance's part of a cluster plan: which node of <paramref name="Cluster"/> it is.</summary>
internal sealed record RaftNodePlan(RaftClusterPlan Cluster, int Ordinal)
{
    public RaftNode NodeFor(NsoRelease release) => Cluster.NodeFor(Ordinal, release);

    public bool IsIntendedLeader => Ordinal == Cluster.Members[0].Ordinal;
}

using System.Globalization;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Raft;

/// <summary>
/// One member of an HA Raft cluster, as its ncs.conf <c>/ncs-config/ha-raft</c> section describes it
/// (docs/NSO-NOTES.md §14). <see cref="RaftMembers.Validate"/> checks a whole cluster of them.
/// </summary>
internal sealed record RaftNode
{
    /// <summary>The first release with <c>/ncs-config/ha-raft</c> and <c>ha-primary-listen</c> (NSO-NOTES §14).</summary>
    public static readonly NsoRelease HaRaftSince = new(6, 1);

    /// <summary>From 6.7 a node listens on one port of its own and is named <c>ID@ADDRESS:PORT</c>; before, epmd finds it.</summary>
    public static readonly NsoRelease SinglePortSince = new(6, 7);

    /// <summary>epmd's port, which up to 6.6 every node on a host shares.</summary>
    public const int EpmdPort = 4369;

    /// <summary>The loopback address every node of a one-host cluster is reached at.</summary>
    public const string Loopback = "127.0.0.1";

    /// <summary>Same on every member; NSO also uses it as the Erlang cookie.</summary>
    public required string ClusterName { get; init; }

    /// <summary><c>listen/node-address</c>, e.g. <c>ncsd1@127.0.0.1</c>.</summary>
    public required RaftNodeAddress Address { get; init; }

    public required NsoRelease Release { get; init; }

    /// <summary><c>listen/port</c>, the node's own HA port: 6.7 and later only, null before.</summary>
    public int? ListenPort { get; init; }

    /// <summary>
    /// <c>listen/min-port</c> and <c>max-port</c>, the distribution range: up to 6.6 only, null from 6.7.
    /// All nodes on a host share it, and epmd on <see cref="EpmdPort"/>. Null means NSO's default.
    /// </summary>
    public RaftPortRange? DistributionPorts { get; init; }

    /// <summary><c>seed-nodes/seed-node</c>: the members this node contacts when it starts.</summary>
    public IReadOnlyList<RaftSeedNode> Seeds { get; init; } = [];

    /// <summary><c>ssl/*</c>; NsoDev never turns TLS off, so a node without them is refused.</summary>
    public RaftNodeTls? Tls { get; init; }

    /// <summary>The leader-only listeners; null writes none.</summary>
    public RaftPrimaryListen? PrimaryListen { get; init; }

    /// <summary>True for 6.7 and later: its own <see cref="ListenPort"/>, seeds with ports.</summary>
    public bool HasOwnPort => Release >= SinglePortSince;

    /// <summary>
    /// The ports this node's HA transport binds or needs free on the host: 6.7 its listen port; up to
    /// 6.6 epmd's port and the whole distribution range (shared with the other nodes on the host).
    /// </summary>
    public IReadOnlyList<int> HaPorts => HasOwnPort
        ? ListenPort is { } port ? [port] : []
        : [EpmdPort, .. Enumerable.Range(Distribution.Min, Distribution.Max - Distribution.Min + 1)];

    /// <summary>Up to 6.6: <see cref="DistributionPorts"/>, or NSO's default range when none is given.</summary>
    public RaftPortRange Distribution => DistributionPorts ?? RaftPortRange.Default;

    /// <summary>The name <c>ha-raft create-cluster member</c> takes: <c>ncsd2@127.0.0.1:4572</c> from 6.7, <c>ncsd2@127.0.0.1</c> before.</summary>
    public string MemberName => HasOwnPort && ListenPort is { } port
        ? Address + ":" + port.ToString(CultureInfo.InvariantCulture)
        : Address.ToString();
}

/// <summary>A seed: the address of another member, with its listen port from 6.7 (null before).</summary>
/// <param name="Address">The seed's node address.</param>
/// <param name="Port">6.7: the seed's <c>listen/port</c>; up to 6.6: null.</param>
internal sealed record RaftSeedNode(RaftNodeAddress Address, int? Port = null);

/// <summary><c>listen/min-port</c> and <c>max-port</c>.</summary>
/// <param name="Min">The lowest port.</param>
/// <param name="Max">The highest port.</param>
internal sealed record RaftPortRange(int Min, int Max)
{
    /// <summary>NSO's defaults, 4370 to 4399 (ncs.conf(5) up to 6.6).</summary>
    public static readonly RaftPortRange Default = new(4370, 4399);
}

/// <summary>
/// The node's TLS files, relative to its run directory. <see cref="InHaTls"/> is the layout of Cisco's
/// 6.7 example (<c>export-cert</c> writes <c>ha-tls/</c>).
/// </summary>
/// <param name="KeyFile"><c>ssl/key-file</c>: the node's private key.</param>
/// <param name="CertFile"><c>ssl/cert-file</c>: the node's certificate.</param>
/// <param name="CaCertFile"><c>ssl/ca-cert-file</c>: the cluster CA.</param>
/// <param name="CrlDirectory"><c>ssl/crl-dir</c>; null writes none.</param>
internal sealed record RaftNodeTls(string KeyFile, string CertFile, string CaCertFile, string? CrlDirectory)
{
    public static readonly RaftNodeTls InHaTls = new("ha-tls/node.key", "ha-tls/node.crt", "ha-tls/ca.crt", "ha-tls/crls/");
}

/// <summary>
/// The leader's stable endpoints (<c>ha-primary-listen</c>): whichever node leads binds them, the others
/// do not, so a client that uses them always reaches the leader.
/// </summary>
/// <param name="Address">The IP address they bind, e.g. 127.0.0.1.</param>
/// <param name="NetconfSshPort">Under <c>netconf-north-bound/transport/ssh</c>.</param>
/// <param name="CliSshPort">Under <c>cli/ssh</c>.</param>
/// <param name="WebUiPort">Under <c>webui/transport/tcp</c>; null when the web UI is off.</param>
internal sealed record RaftPrimaryListen(string Address, int NetconfSshPort, int CliSshPort, int? WebUiPort);

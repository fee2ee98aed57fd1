using System.Globalization;
using System.Xml.Linq;

namespace NsoDev.Simulator.HaRaft;

/// <summary><c>/ha-raft/status/role</c>, spelled as the YANG's enumeration (disabled is not simulated).</summary>
internal enum RaftRole
{
    Stalled,
    Candidate,
    Follower,
    Leader,
}

/// <summary>One member's entry of <c>/ha-raft/status/log/replications</c> (the leader's view).</summary>
internal sealed record RaftReplication(string Node, string State, long Index, long Lag);

/// <summary>What <c>/ha-raft/status</c> shows, read at one moment.</summary>
internal sealed record HaRaftStatus(
    RaftRole Role,
    string? Leader,
    IReadOnlyList<string> Members,
    IReadOnlyList<string> ConnectedNodes,
    string LocalNode,
    long Term,
    long CurrentIndex,
    long AppliedIndex,
    IReadOnlyList<RaftReplication> Replications);

/// <summary>
/// <c>/ha-raft/status</c> as XML in the YANG's namespace and names (tailf-ncs-high-availability-raft.yang, 6.2.5):
/// <code>
/// &lt;ha-raft xmlns="http://tail-f.com/ns/ncs/high-availability/raft"&gt;&lt;status&gt;
///   &lt;role&gt;leader&lt;/role&gt;&lt;leader&gt;ncsd1@127.0.0.1&lt;/leader&gt;
///   &lt;member&gt;ncsd1@127.0.0.1&lt;/member&gt;&lt;member&gt;ncsd2@127.0.0.1&lt;/member&gt;...
///   &lt;connected-node&gt;ncsd2@127.0.0.1&lt;/connected-node&gt;&lt;local-node&gt;ncsd1@127.0.0.1&lt;/local-node&gt;
///   &lt;log&gt;&lt;current-index&gt;4&lt;/current-index&gt;&lt;applied-index&gt;4&lt;/applied-index&gt;&lt;num-entries&gt;4&lt;/num-entries&gt;
///     &lt;replications&gt;&lt;node&gt;ncsd2@127.0.0.1&lt;/node&gt;&lt;state&gt;in-sync&lt;/state&gt;&lt;index&gt;4&lt;/index&gt;&lt;lag&gt;0&lt;/lag&gt;&lt;/replications&gt;
///   &lt;/log&gt;
/// &lt;/status&gt;&lt;/ha-raft&gt;
/// </code>
/// </summary>
internal static class HaRaftXml
{
    public static readonly XNamespace Ns = "http://tail-f.com/ns/ncs/high-availability/raft";

    /// <summary>The leaf-lists, which the CLI shows as <c>member [ a b ]</c>.</summary>
    public static readonly IReadOnlySet<string> LeafLists = new HashSet<string>(StringComparer.Ordinal) { "member", "connected-node" };

    public static string RoleName(RaftRole role) => role.ToString().ToLowerInvariant();

    public static XElement Build(HaRaftStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var log = new XElement(
            Ns + "log",
            new XElement(Ns + "current-index", Number(status.CurrentIndex)),
            new XElement(Ns + "applied-index", Number(status.AppliedIndex)),
            new XElement(Ns + "num-entries", Number(status.CurrentIndex)),
            status.Role == RaftRole.Leader
                ? status.Replications.Select(r => new XElement(
                    Ns + "replications",
                    new XElement(Ns + "node", r.Node),
                    new XElement(Ns + "state", r.State),
                    new XElement(Ns + "index", Number(r.Index)),
                    new XElement(Ns + "lag", Number(r.Lag))))
                : null);
        return new XElement(
            Ns + "ha-raft",
            new XElement(
                Ns + "status",
                new XElement(Ns + "role", RoleName(status.Role)),
                status.Leader is { } leader ? new XElement(Ns + "leader", leader) : null,
                status.Members.Select(m => new XElement(Ns + "member", m)),
                status.ConnectedNodes.Select(n => new XElement(Ns + "connected-node", n)),
                new XElement(Ns + "local-node", status.LocalNode),
                log));
    }

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}

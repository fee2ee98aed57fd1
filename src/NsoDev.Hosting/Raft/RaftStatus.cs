using System.Xml.Linq;

namespace NsoDev.Hosting.Raft;

/// <summary>
/// One node's view of its cluster, from <c>/ha-raft/status</c> (tailf-ncs-high-availability-raft.yang,
/// NSO-NOTES §14): its role, the leader it knows, the members and the nodes it is connected to.
/// </summary>
/// <param name="Role">leader, follower, candidate, stalled or disabled.</param>
/// <param name="Leader">The leader's member name; null when the node knows none.</param>
/// <param name="LocalNode">The node's own member name.</param>
/// <param name="Members">The cluster's members, as this node knows them.</param>
/// <param name="ConnectedNodes">The members this node has a connection to.</param>
internal sealed record RaftStatus(string Role, string? Leader, string? LocalNode, IReadOnlyList<string> Members, IReadOnlyList<string> ConnectedNodes)
{
    public static readonly XNamespace Namespace = "http://tail-f.com/ns/ncs/high-availability/raft";

    public const string LeaderRole = "leader";

    public const string FollowerRole = "follower";

    /// <summary>Enabled but in no cluster yet: what every node says before <c>create-cluster</c>.</summary>
    public const string StalledRole = "stalled";

    /// <summary>A member in good standing: it leads or follows.</summary>
    public bool IsJoined => Role is LeaderRole or FollowerRole;

    /// <summary>The NETCONF <c>get</c> of the node's status alone.</summary>
    public static XElement Query() => new(
        XName.Get("get", Onboard.SshNetNorthboundConnector.Base),
        new XElement(
            XName.Get("filter", Onboard.SshNetNorthboundConnector.Base),
            new XAttribute("type", "subtree"),
            new XElement(Namespace + "ha-raft", new XElement(Namespace + "status"))));

    /// <summary>The status in a <c>get</c> reply; null when the reply holds none (HA Raft off).</summary>
    public static RaftStatus? FromReply(XElement reply)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var status = reply.Descendants(Namespace + "status").FirstOrDefault(s => s.Parent?.Name == Namespace + "ha-raft");
        if (status?.Element(Namespace + "role")?.Value.Trim() is not { Length: > 0 } role)
        {
            return null;
        }

        return new RaftStatus(
            role,
            Text(status.Element(Namespace + "leader")),
            Text(status.Element(Namespace + "local-node")),
            [.. status.Elements(Namespace + "member").Select(Text).OfType<string>()],
            [.. status.Elements(Namespace + "connected-node").Select(Text).OfType<string>()]);
    }

    private static string? Text(XElement? element) => element?.Value.Trim() is { Length: > 0 } text ? text : null;
}

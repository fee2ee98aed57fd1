using System.Globalization;
using System.Net.Sockets;
using System.Net;
using System.Text.RegularExpressions;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Raft;

/// <summary>
/// A cluster's members as a whole: the nodes of a one-host cluster, the member names that
/// <c>ha-raft create-cluster</c> takes, and the checks NSO would otherwise fail on later, each with
/// its fix (docs/NSO-NOTES.md §14).
/// </summary>
internal static partial class RaftMembers
{
    /// <summary>
    /// The nodes <c>ncsd1</c> to <c>ncsdN</c> of a cluster on 127.0.0.1, as Cisco's example lays them
    /// out: each seeded with every other member, TLS files in <c>ha-tls/</c>.
    /// </summary>
    /// <param name="clusterName">The cluster name, the same on every member.</param>
    /// <param name="release">The release every member runs.</param>
    /// <param name="listenPorts">6.7 and later: each node's own HA port, in node order; up to 6.6: null.</param>
    /// <param name="count">How many nodes.</param>
    /// <param name="primaryListen">The leader's stable endpoints, or null.</param>
    /// <exception cref="RaftConfException">The cluster is not valid; the message lists every problem.</exception>
    public static IReadOnlyList<RaftNode> OnLoopback(string clusterName, NsoRelease release, int count, IReadOnlyList<int>? listenPorts, RaftPrimaryListen? primaryListen)
    {
        ArgumentNullException.ThrowIfNull(clusterName);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (listenPorts is not null && listenPorts.Count != count)
        {
            throw new ArgumentException($"{listenPorts.Count} listen ports for {count} nodes; give one per node.", nameof(listenPorts));
        }

        var addresses = Enumerable.Range(1, count).Select(n => new RaftNodeAddress("ncsd" + n.ToString(CultureInfo.InvariantCulture), RaftNode.Loopback)).ToList();
        var nodes = addresses.Select((address, i) => new RaftNode
        {
            ClusterName = clusterName,
            Address = address,
            Release = release,
            ListenPort = listenPorts?[i],
            DistributionPorts = release >= RaftNode.SinglePortSince ? null : RaftPortRange.Default,
            Seeds = [.. addresses.Select((seed, j) => (seed, j)).Where(s => s.j != i).Select(s => new RaftSeedNode(s.seed, listenPorts?[s.j]))],
            Tls = RaftNodeTls.InHaTls,
            PrimaryListen = primaryListen,
        }).ToList();

        Validate(nodes);
        return nodes;
    }

    /// <summary>What <c>ha-raft create-cluster member [ ... ]</c> on <paramref name="leader"/> lists: every other member's name.</summary>
    public static IReadOnlyList<string> CreateClusterMembers(IReadOnlyList<RaftNode> cluster, RaftNode leader)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(leader);
        if (!cluster.Contains(leader))
        {
            throw new ArgumentException($"The intended leader {leader.Address} is not a member of the cluster.", nameof(leader));
        }

        return [.. cluster.Where(node => node != leader).Select(node => node.MemberName)];
    }

    /// <summary>The CLI line Cisco's example sends to the leader: <c>ha-raft create-cluster member [ ncsd2@127.0.0.1:4572 ncsd3@127.0.0.1:4573 ]</c>.</summary>
    public static string CreateClusterCommand(IReadOnlyList<RaftNode> cluster, RaftNode leader) =>
        $"ha-raft create-cluster member [ {string.Join(' ', CreateClusterMembers(cluster, leader))} ]";

    /// <summary>Checks one node on its own, then the cluster: one error that lists every problem.</summary>
    /// <exception cref="RaftConfException">Something NSO would refuse or misread.</exception>
    public static void Validate(IReadOnlyList<RaftNode> cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        var problems = new List<string>();
        if (cluster.Count == 0)
        {
            problems.Add("The cluster has no nodes; give it at least one.");
        }

        foreach (var node in cluster)
        {
            problems.AddRange(NodeProblems(node));
        }

        problems.AddRange(ClusterProblems(cluster));
        ThrowIfAny(cluster.Count > 0 ? cluster[0].ClusterName : null, problems);
    }

    /// <summary>The checks of <see cref="Validate"/> that need only the node itself.</summary>
    /// <exception cref="RaftConfException">Something NSO would refuse.</exception>
    public static void ValidateNode(RaftNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        ThrowIfAny(node.ClusterName, [.. NodeProblems(node)]);
    }

    private static void ThrowIfAny(string? clusterName, List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new RaftConfException($"The HA Raft cluster '{clusterName}' cannot be configured:{string.Concat(problems.Select(p => "\n- " + p))}", problems);
        }
    }

    private static IEnumerable<string> NodeProblems(RaftNode node)
    {
        var name = node.Address.ToString();
        if (string.IsNullOrWhiteSpace(node.ClusterName))
        {
            yield return $"Node {name} has no cluster name; give every member the same cluster-name.";
        }

        if (node.Release < RaftNode.HaRaftSince)
        {
            yield return $"Node {name} runs NSO {node.Release}, whose ncs.conf has no ha-raft (it came in NSO {RaftNode.HaRaftSince}); use NSO {RaftNode.HaRaftSince} or later.";
        }

        foreach (var problem in AddressProblems(node.Address, $"Node {name}: the node address"))
        {
            yield return problem;
        }

        foreach (var problem in PortProblems(node, name))
        {
            yield return problem;
        }

        // A node may name itself: every node of Cisco's 6.7 example seeds ncsd2, ncsd2 too.
        foreach (var seed in node.Seeds)
        {
            foreach (var problem in AddressProblems(seed.Address, $"Node {name}: the seed node address"))
            {
                yield return problem;
            }

            if (node.HasOwnPort && seed.Port is null)
            {
                yield return $"Node {name} runs NSO {node.Release}, where a seed is an address and a port; give seed {seed.Address} the port it listens on.";
            }
            else if (!node.HasOwnPort && seed.Port is { } port)
            {
                yield return $"Node {name} gives seed {seed.Address} the port {port}, but NSO {node.Release} seeds are addresses only (epmd finds the port; seed ports came in NSO {RaftNode.SinglePortSince}); leave the port out.";
            }
            else if (seed.Port is { } seedPort && !IsPort(seedPort))
            {
                yield return $"Node {name} gives seed {seed.Address} the port {seedPort}, which is not a TCP port; use 1 to 65535.";
            }
        }

        if (node.Tls is not { } tls || Blank(tls.KeyFile) || Blank(tls.CertFile) || Blank(tls.CaCertFile))
        {
            yield return $"Node {name} has no TLS files: with ha-raft/ssl on, NSO requires key-file, cert-file and ca-cert-file, and NsoDev never turns TLS off. Give the node its key, certificate and the cluster CA (ha-tls/node.key, ha-tls/node.crt, ha-tls/ca.crt).";
        }

        if (node.PrimaryListen is { } primary)
        {
            if (!IPAddress.TryParse(primary.Address, out var ip) || !primary.Address.Contains(ip.AddressFamily == AddressFamily.InterNetworkV6 ? ':' : '.', StringComparison.Ordinal))
            {
                yield return $"Node {name}: the ha-primary-listen address '{primary.Address}' is not an IP address; ha-primary-listen/ip takes an IPv4 or IPv6 address such as 127.0.0.1.";
            }

            foreach (var (what, port) in new[] { ("NETCONF", (int?)primary.NetconfSshPort), ("CLI", primary.CliSshPort), ("web UI", primary.WebUiPort) })
            {
                if (port is { } p && !IsPort(p))
                {
                    yield return $"Node {name}: the {what} ha-primary-listen port {p} is not a TCP port; use 1 to 65535.";
                }
            }
        }
    }

    private static IEnumerable<string> PortProblems(RaftNode node, string name)
    {
        if (node.HasOwnPort)
        {
            if (node.ListenPort is not { } port)
            {
                yield return $"Node {name} runs NSO {node.Release}, where every node listens on its own HA port (ha-raft/listen/port); plan one for it.";
            }
            else if (!IsPort(port))
            {
                yield return $"Node {name}: the HA port {port} is not a TCP port; use 1 to 65535.";
            }

            if (node.DistributionPorts is not null)
            {
                yield return $"Node {name} runs NSO {node.Release}, which has no ha-raft/listen/min-port or max-port (they ended with NSO 6.6); leave the distribution range out.";
            }

            yield break;
        }

        if (node.ListenPort is { } listen)
        {
            yield return $"Node {name} is given the HA port {listen}, but NSO {node.Release} has no ha-raft/listen/port (it came in NSO {RaftNode.SinglePortSince}): its nodes share epmd on {RaftNode.EpmdPort} and the range {RaftPortRange.Default.Min}-{RaftPortRange.Default.Max}. Leave the port out.";
        }

        var range = node.Distribution;
        if (!IsPort(range.Min) || !IsPort(range.Max) || range.Min > range.Max || (range.Min <= RaftNode.EpmdPort && RaftNode.EpmdPort <= range.Max))
        {
            yield return $"Node {name}: the distribution range {range.Min}-{range.Max} is not a range of TCP ports above epmd's {RaftNode.EpmdPort}; use NSO's {RaftPortRange.Default.Min}-{RaftPortRange.Default.Max}.";
        }
    }

    private static IEnumerable<string> ClusterProblems(IReadOnlyList<RaftNode> cluster)
    {
        var releases = cluster.GroupBy(node => node.Release).OrderBy(group => group.Key).ToList();
        if (releases.Count > 1)
        {
            yield return $"The cluster mixes NSO releases ({string.Join("; ", releases.Select(g => $"{g.Key}: {Names(g)}"))}), but HA Raft members must all run the same release; run every node on one release.";
        }

        var clusterNames = cluster.Select(node => node.ClusterName).Distinct(StringComparer.Ordinal).ToList();
        if (clusterNames.Count > 1)
        {
            yield return $"The nodes give different cluster names ({string.Join(", ", clusterNames.Select(n => "'" + n + "'"))}); every member needs the same cluster-name.";
        }

        foreach (var host in cluster.GroupBy(node => node.Address.Host, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            var unnamed = host.Where(node => node.Address.NodeId is null).ToList();
            if (unnamed.Count > 0)
            {
                yield return $"{host.Count()} nodes share the host {host.Key}, but {Names(unnamed)} has no node id, so NSO names it {RaftNodeAddress.DefaultNodeId}@{host.Key}; give each node on one host its own node id, such as ncsd1@{host.Key}.";
            }

            foreach (var twice in host.Where(node => node.Address.NodeId is not null).GroupBy(node => node.Address.NodeId, StringComparer.Ordinal).Where(g => g.Count() > 1))
            {
                yield return $"The node id {twice.Key} is given to {twice.Count()} nodes on {host.Key}; give each node its own node id.";
            }

            foreach (var port in host.Where(node => node.HasOwnPort && node.ListenPort is not null).GroupBy(node => node.ListenPort).Where(g => g.Count() > 1))
            {
                yield return $"The HA port {port.Key} is given to {port.Count()} nodes on {host.Key} ({Names(port)}); give each node its own port.";
            }
        }

        foreach (var node in cluster)
        {
            foreach (var seed in node.Seeds)
            {
                var member = cluster.FirstOrDefault(m => SameNode(m.Address, seed.Address));
                if (member is null)
                {
                    yield return $"Node {node.Address} names the seed {seed.Address}, which is not a member of the cluster; seed it with a member.";
                }
                else if (node.HasOwnPort && seed.Port is { } port && member.ListenPort is { } listen && port != listen)
                {
                    yield return $"Node {node.Address} gives the seed {seed.Address} the port {port}, but that node listens on {listen}; a seed's port must match its listen/port. Use {listen}.";
                }
            }
        }
    }

    private static IEnumerable<string> AddressProblems(RaftNodeAddress address, string what)
    {
        if (address.NodeId is { } id && !NodeIdPattern().IsMatch(id))
        {
            yield return $"{what} '{address}' has the node id '{id}'; a node id starts with a lowercase letter and holds only letters, digits and '_', such as ncsd1.";
        }

        var host = address.Host;
        if (host.Contains(':', StringComparison.Ordinal))
        {
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                yield return $"{what} '{address}' is not a valid IPv6 address; give an IPv4 or IPv6 address or a fully qualified name.";
            }
            else if (v6.Equals(IPAddress.IPv6Any))
            {
                yield return Wildcard(what, address);
            }
        }
        else if (DottedQuadPattern().IsMatch(host))
        {
            if (!IPAddress.TryParse(host, out var v4))
            {
                yield return $"{what} '{address}' is not a valid IPv4 address; each part is 0 to 255, as in 127.0.0.1.";
            }
            else if (v4.Equals(IPAddress.Any))
            {
                yield return Wildcard(what, address);
            }
        }
        else if (!host.Contains('.', StringComparison.Ordinal))
        {
            yield return $"{what} '{address}' uses the short name '{host}', without a dot; NSO does not accept one even if it resolves. Use a fully qualified name (n1.example.com) or an IP address such as 127.0.0.1.";
        }
        else if (host.Length > 253 || !DomainNamePattern().IsMatch(host))
        {
            yield return $"{what} '{address}' is not a host name NSO accepts; use a fully qualified name (n1.example.com) or an IP address such as 127.0.0.1.";
        }
    }

    private static string Wildcard(string what, RaftNodeAddress address) =>
        $"{what} '{address}' is a wildcard address, which NSO refuses in ha-raft; use the address other nodes reach it at, such as 127.0.0.1.";

    /// <summary>The same node to NSO: the same id (NSO's default when none) on the same host.</summary>
    private static bool SameNode(RaftNodeAddress a, RaftNodeAddress b) =>
        string.Equals(a.EffectiveNodeId, b.EffectiveNodeId, StringComparison.Ordinal) && string.Equals(a.Host, b.Host, StringComparison.OrdinalIgnoreCase);

    private static string Names(IEnumerable<RaftNode> nodes) => string.Join(", ", nodes.Select(node => node.Address.ToString()));

    private static bool IsPort(int port) => port is > 0 and <= 65535;

    private static bool Blank(string? text) => string.IsNullOrWhiteSpace(text);

    /// <summary>The node-id part of the 6.2.5 YANG's <c>*-with-optional-node-id</c> types.</summary>
    [GeneratedRegex("^[a-z][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NodeIdPattern();

    [GeneratedRegex(@"^(0|[1-9][0-9]{0,2})(\.(0|[1-9][0-9]{0,2})){3}$", RegexOptions.CultureInvariant)]
    private static partial Regex DottedQuadPattern();

    /// <summary>The host part of the 6.2.5 YANG's <c>fq-domain-name-with-optional-node-id</c>: at least two labels.</summary>
    [GeneratedRegex(@"^(([a-zA-Z0-9_]([a-zA-Z0-9\-_]){0,61})?[a-zA-Z0-9]\.)+([a-zA-Z0-9_]([a-zA-Z0-9\-_]){0,61})?[a-zA-Z0-9]\.?$", RegexOptions.CultureInvariant)]
    private static partial Regex DomainNamePattern();
}

/// <summary>An HA Raft cluster or node NSO would refuse; the message lists each problem with its fix.</summary>
internal sealed class RaftConfException(string message, IReadOnlyList<string> problems) : InvalidOperationException(message)
{
    public IReadOnlyList<string> Problems { get; } = problems;
}

using NsoDev.Hosting.Raft;
using NsoDev.Ipc.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Raft;

/// <summary>
/// What NSO would refuse or misread in a cluster's ha-raft sections is refused before anything is
/// written, each problem with its fix (docs/NSO-NOTES.md §14).
/// </summary>
public sealed class RaftConfValidationTests
{
    private static readonly NsoRelease Current = new(6, 7);
    private static readonly NsoRelease Older = new(6, 5);

    [Theory]
    [InlineData(6, 2)]
    [InlineData(6, 5)]
    [InlineData(6, 6)]
    [InlineData(6, 7)]
    public void A_loopback_cluster_is_valid_and_seeds_every_node_with_the_others(int major, int minor)
    {
        var release = new NsoRelease(major, minor);
        var cluster = RaftMembers.OnLoopback("raft", release, 3, release >= RaftNode.SinglePortSince ? [4571, 4572, 4573] : null, null);

        Assert.Equal(["ncsd1@127.0.0.1", "ncsd2@127.0.0.1", "ncsd3@127.0.0.1"], cluster.Select(n => n.Address.ToString()));
        Assert.Equal(["ncsd1@127.0.0.1", "ncsd3@127.0.0.1"], cluster[1].Seeds.Select(s => s.Address.ToString()));
        Assert.All(cluster, node => Assert.Equal(RaftNodeTls.InHaTls, node.Tls));
        Assert.Equal(release >= RaftNode.SinglePortSince ? [4571, 4573] : [null, null], cluster[1].Seeds.Select(s => s.Port));
    }

    [Theory]
    [InlineData("ncsd1@n1.example.com", "ncsd1@n2.example.com")]
    [InlineData("n1.example.com", "n2.example.com")]
    [InlineData("ncsd1@::1", "ncsd2@::1")]
    [InlineData("ncsd_a1@10.0.0.1", "ncsdB2@10.0.0.1")]
    public void Fully_qualified_names_ip_addresses_and_node_ids_are_accepted(string first, string second) =>
        RaftMembers.Validate(Pair(Current, first, 4571, second, 4572));

    [Fact]
    public void A_node_without_a_node_id_on_a_shared_host_is_refused()
    {
        var error = Refused(Pair(Current, "127.0.0.1", 4571, "ncsd2@127.0.0.1", 4572));

        Assert.Equal("2 nodes share the host 127.0.0.1, but 127.0.0.1 has no node id, so NSO names it ncsd@127.0.0.1; give each node on one host its own node id, such as ncsd1@127.0.0.1.", Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData("ncsd1@localhost", "short name 'localhost'")]
    [InlineData("nso1", "short name 'nso1'")]
    public void A_short_name_without_a_dot_is_refused(string address, string named)
    {
        var error = Refused([Node(Current, address, 4571)]);

        var problem = Assert.Single(error.Problems);
        Assert.Contains(named, problem, StringComparison.Ordinal);
        Assert.EndsWith("NSO does not accept one even if it resolves. Use a fully qualified name (n1.example.com) or an IP address such as 127.0.0.1.", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ncsd1@0.0.0.0")]
    [InlineData("ncsd1@::")]
    [InlineData("0.0.0.0")]
    public void A_wildcard_node_address_is_refused(string address)
    {
        var error = Refused([Node(Current, address, 4571)]);

        Assert.Equal($"Node {address}: the node address '{address}' is a wildcard address, which NSO refuses in ha-raft; use the address other nodes reach it at, such as 127.0.0.1.", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_wildcard_seed_address_is_refused()
    {
        var node = Node(Current, "ncsd1@127.0.0.1", 4571) with { Seeds = [new RaftSeedNode(RaftNodeAddress.Parse("ncsd2@0.0.0.0"), 4572)] };

        var error = Refused([node]);

        Assert.Contains("Node ncsd1@127.0.0.1: the seed node address 'ncsd2@0.0.0.0' is a wildcard address", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Ncsd1@127.0.0.1", "Ncsd1")]
    [InlineData("1ncsd@127.0.0.1", "1ncsd")]
    [InlineData("ncs-d@127.0.0.1", "ncs-d")]
    public void A_node_id_outside_ncs_conf_s_pattern_is_refused(string address, string id)
    {
        var error = Refused([Node(Current, address, 4571)]);

        Assert.Equal($"Node {address}: the node address '{address}' has the node id '{id}'; a node id starts with a lowercase letter and holds only letters, digits and '_', such as ncsd1.", Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData("ncsd1@300.1.1.1", "is not a valid IPv4 address")]
    [InlineData("ncsd1@n1..example.com", "is not a host name NSO accepts")]
    [InlineData("ncsd1@fe80::1::2", "is not a valid IPv6 address")]
    public void A_malformed_host_is_refused(string address, string problem) =>
        Assert.Contains(problem, Assert.Single(Refused([Node(Current, address, 4571)]).Problems), StringComparison.Ordinal);

    [Fact]
    public void A_node_id_given_twice_on_one_host_is_refused()
    {
        var error = Refused([Node(Current, "ncsd1@127.0.0.1", 4571), Node(Current, "ncsd1@127.0.0.1", 4572)]);

        Assert.Equal("The node id ncsd1 is given to 2 nodes on 127.0.0.1; give each node its own node id.", Assert.Single(error.Problems));
    }

    [Fact]
    public void One_6_7_ha_port_given_to_two_nodes_on_one_host_is_refused()
    {
        var error = Refused(Pair(Current, "ncsd1@127.0.0.1", 4571, "ncsd2@127.0.0.1", 4571));

        Assert.Equal("The HA port 4571 is given to 2 nodes on 127.0.0.1 (ncsd1@127.0.0.1, ncsd2@127.0.0.1); give each node its own port.", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_6_7_seed_port_that_is_not_the_seed_s_listen_port_is_refused()
    {
        var cluster = Pair(Current, "ncsd1@127.0.0.1", 4571, "ncsd2@127.0.0.1", 4572);
        cluster[0] = cluster[0] with { Seeds = [new RaftSeedNode(cluster[1].Address, 4599)] };

        var error = Refused(cluster);

        Assert.Equal("Node ncsd1@127.0.0.1 gives the seed ncsd2@127.0.0.1 the port 4599, but that node listens on 4572; a seed's port must match its listen/port. Use 4572.", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_6_7_seed_without_a_port_and_an_older_seed_with_one_are_refused()
    {
        var current = Pair(Current, "ncsd1@127.0.0.1", 4571, "ncsd2@127.0.0.1", 4572);
        current[0] = current[0] with { Seeds = [new RaftSeedNode(current[1].Address)] };
        var older = Pair(Older, "ncsd1@127.0.0.1", null, "ncsd2@127.0.0.1", null);
        older[0] = older[0] with { Seeds = [new RaftSeedNode(older[1].Address, 4370)] };

        Assert.Equal("Node ncsd1@127.0.0.1 runs NSO 6.7, where a seed is an address and a port; give seed ncsd2@127.0.0.1 the port it listens on.", Assert.Single(Refused(current).Problems));
        Assert.Equal("Node ncsd1@127.0.0.1 gives seed ncsd2@127.0.0.1 the port 4370, but NSO 6.5 seeds are addresses only (epmd finds the port; seed ports came in NSO 6.7); leave the port out.", Assert.Single(Refused(older).Problems));
    }

    [Fact]
    public void A_seed_that_is_not_a_member_is_refused()
    {
        var cluster = Pair(Current, "ncsd1@127.0.0.1", 4571, "ncsd2@127.0.0.1", 4572);
        cluster[0] = cluster[0] with { Seeds = [new RaftSeedNode(RaftNodeAddress.Parse("ncsd9@127.0.0.1"), 4579)] };

        var error = Refused(cluster);

        Assert.Equal("Node ncsd1@127.0.0.1 names the seed ncsd9@127.0.0.1, which is not a member of the cluster; seed it with a member.", Assert.Single(error.Problems));
    }

    [Fact]
    public void Every_node_may_seed_the_same_node_itself_included_as_cisco_s_6_7_example_does()
    {
        var cluster = RaftMembers.OnLoopback("stockholm", Current, 3, [4571, 4572, 4573], null)
            .Select(node => node with { Seeds = [new RaftSeedNode(RaftNodeAddress.Parse("ncsd2@127.0.0.1"), 4572)] })
            .ToList();

        RaftMembers.Validate(cluster);
        Assert.All(cluster, node => Assert.Equal("ncsd2@127.0.0.1", Assert.Single(node.Seeds).Address.ToString()));
    }

    [Fact]
    public void A_self_seed_with_a_port_that_is_not_its_own_is_refused()
    {
        var cluster = Pair(Current, "ncsd1@127.0.0.1", 4571, "ncsd2@127.0.0.1", 4572);
        cluster[0] = cluster[0] with { Seeds = [new RaftSeedNode(cluster[0].Address, 4572)] };

        Assert.Equal("Node ncsd1@127.0.0.1 gives the seed ncsd1@127.0.0.1 the port 4572, but that node listens on 4571; a seed's port must match its listen/port. Use 4571.", Assert.Single(Refused(cluster).Problems));
    }

    [Fact]
    public void A_cluster_of_mixed_releases_is_refused()
    {
        var cluster = RaftMembers.OnLoopback("raft", Current, 3, [4571, 4572, 4573], null).ToList();
        cluster[2] = cluster[2] with { Release = new NsoRelease(6, 8) };

        var error = Refused(cluster);

        Assert.Equal("The cluster mixes NSO releases (6.7: ncsd1@127.0.0.1, ncsd2@127.0.0.1; 6.8: ncsd3@127.0.0.1), but HA Raft members must all run the same release; run every node on one release.", Assert.Single(error.Problems));
    }

    [Fact]
    public void Different_cluster_names_are_refused()
    {
        var cluster = Pair(Current, "ncsd1@127.0.0.1", 4571, "ncsd2@127.0.0.1", 4572);
        cluster[1] = cluster[1] with { ClusterName = "other" };

        Assert.Equal("The nodes give different cluster names ('raft', 'other'); every member needs the same cluster-name.", Assert.Single(Refused(cluster).Problems));
    }

    [Theory]
    [InlineData(false, "", "ha-tls/node.crt", "ha-tls/ca.crt")]
    [InlineData(false, "ha-tls/node.key", " ", "ha-tls/ca.crt")]
    [InlineData(false, "ha-tls/node.key", "ha-tls/node.crt", "")]
    [InlineData(true, "", "", "")]
    public void A_node_without_its_tls_files_is_refused_since_tls_stays_on(bool none, string key, string cert, string ca)
    {
        var node = Node(Current, "ncsd1@127.0.0.1", 4571) with { Tls = none ? null : new RaftNodeTls(key, cert, ca, null) };

        var error = Refused([node]);

        Assert.Equal("Node ncsd1@127.0.0.1 has no TLS files: with ha-raft/ssl on, NSO requires key-file, cert-file and ca-cert-file, and NsoDev never turns TLS off. Give the node its key, certificate and the cluster CA (ha-tls/node.key, ha-tls/node.crt, ha-tls/ca.crt).", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_6_7_node_needs_its_own_port_and_has_no_distribution_range()
    {
        var node = Node(Current, "ncsd1@127.0.0.1", null) with { DistributionPorts = RaftPortRange.Default };

        Assert.Equal(
            [
                "Node ncsd1@127.0.0.1 runs NSO 6.7, where every node listens on its own HA port (ha-raft/listen/port); plan one for it.",
                "Node ncsd1@127.0.0.1 runs NSO 6.7, which has no ha-raft/listen/min-port or max-port (they ended with NSO 6.6); leave the distribution range out.",
            ],
            Refused([node]).Problems);
    }

    [Fact]
    public void An_older_node_with_an_ha_port_is_refused_naming_epmd_and_the_range()
    {
        var error = Refused([Node(Older, "ncsd1@127.0.0.1", 4571)]);

        Assert.Equal("Node ncsd1@127.0.0.1 is given the HA port 4571, but NSO 6.5 has no ha-raft/listen/port (it came in NSO 6.7): its nodes share epmd on 4369 and the range 4370-4399. Leave the port out.", Assert.Single(error.Problems));
    }

    [Theory]
    [InlineData(4399, 4370)]
    [InlineData(4300, 4400)]
    [InlineData(0, 10)]
    public void A_distribution_range_that_is_not_above_epmd_is_refused(int min, int max)
    {
        var node = Node(Older, "ncsd1@127.0.0.1", null) with { DistributionPorts = new RaftPortRange(min, max) };

        Assert.Equal($"Node ncsd1@127.0.0.1: the distribution range {min}-{max} is not a range of TCP ports above epmd's 4369; use NSO's 4370-4399.", Assert.Single(Refused([node]).Problems));
    }

    [Fact]
    public void A_release_before_ha_raft_is_refused()
    {
        var error = Refused([Node(new NsoRelease(6, 0), "ncsd1@127.0.0.1", null)]);

        Assert.Equal("Node ncsd1@127.0.0.1 runs NSO 6.0, whose ncs.conf has no ha-raft (it came in NSO 6.1); use NSO 6.1 or later.", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_leader_endpoint_on_a_host_name_is_refused()
    {
        var node = Node(Current, "ncsd1@127.0.0.1", 4571) with { PrimaryListen = new RaftPrimaryListen("leader.example.com", 2024, 2022, null) };

        Assert.Equal("Node ncsd1@127.0.0.1: the ha-primary-listen address 'leader.example.com' is not an IP address; ha-primary-listen/ip takes an IPv4 or IPv6 address such as 127.0.0.1.", Assert.Single(Refused([node]).Problems));
    }

    [Fact]
    public void Every_problem_is_listed_in_one_error_under_the_cluster_s_name()
    {
        var cluster = Pair(Current, "127.0.0.1", 4571, "ncsd2@localhost", 4571);
        cluster[1] = cluster[1] with { Release = Older, ListenPort = null, Seeds = [] };

        var error = Refused(cluster);

        Assert.Equal(3, error.Problems.Count);
        Assert.Equal("The HA Raft cluster 'raft' cannot be configured:" + string.Concat(error.Problems.Select(p => "\n- " + p)), error.Message);
        Assert.Contains(error.Problems, p => p.StartsWith("Node ncsd2@localhost: the node address 'ncsd2@localhost' uses the short name", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("The cluster mixes NSO releases", StringComparison.Ordinal));
        Assert.Contains(error.Problems, p => p.StartsWith("Node 127.0.0.1: the seed node address 'ncsd2@localhost' uses the short name", StringComparison.Ordinal));
    }

    [Fact]
    public void An_address_parses_into_node_id_and_host_and_defaults_to_ncsd()
    {
        Assert.Equal(new RaftNodeAddress("ncsd2", "127.0.0.1"), RaftNodeAddress.Parse("ncsd2@127.0.0.1"));
        Assert.Equal("ncsd", RaftNodeAddress.Parse("n1.example.com").EffectiveNodeId);
        Assert.Equal("ncsd2@127.0.0.1:4572", Node(Current, "ncsd2@127.0.0.1", 4572).MemberName);
        Assert.Equal("ncsd2@127.0.0.1", Node(Older, "ncsd2@127.0.0.1", null).MemberName);
    }

    private static RaftConfException Refused(IReadOnlyList<RaftNode> cluster) =>
        Assert.Throws<RaftConfException>(() => RaftMembers.Validate(cluster));

    private static RaftNode Node(NsoRelease release, string address, int? port) => new()
    {
        ClusterName = "raft",
        Address = RaftNodeAddress.Parse(address),
        Release = release,
        ListenPort = port,
        Tls = RaftNodeTls.InHaTls,
    };

    /// <summary>Two nodes, each seeded with the other.</summary>
    private static List<RaftNode> Pair(NsoRelease release, string first, int? firstPort, string second, int? secondPort)
    {
        var a = Node(release, first, firstPort);
        var b = Node(release, second, secondPort);
        return
        [
            a with { Seeds = [new RaftSeedNode(b.Address, secondPort)] },
            b with { Seeds = [new RaftSeedNode(a.Address, firstPort)] },
        ];
    }
}

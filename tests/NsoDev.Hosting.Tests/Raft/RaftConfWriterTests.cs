using System.Xml.Linq;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc;
using NsoDev.Simulator.Configuration;
using SimulatedVersion = NsoDev.Simulator.Ipc.NsoVersion;

namespace NsoDev.Hosting.Tests.Raft;

/// <summary>
/// The ha-raft section per release band (docs/NSO-NOTES.md §14): element paths and values as
/// ncs.conf(5) gives them, and the written file passing nso-sim's element check for its release.
/// </summary>
public sealed class RaftConfWriterTests : IDisposable
{
    private static readonly string Templates = Path.Combine(AppContext.BaseDirectory, "instance-templates");
    private static readonly XNamespace Ns = NcsConfWriter.Ns;
    private static readonly RaftPrimaryListen Leader = new("127.0.0.1", 2024, 2022, 8080);
    private readonly string _directory = Directory.CreateTempSubdirectory("nsodev-raftconf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string, bool> Bands() => new()
    {
        { "6.2", false }, { "6.2", true },
        { "6.5", false }, { "6.5", true },
        { "6.6", false }, { "6.6", true },
        { "6.7", false }, { "6.7", true },
    };

    [Theory]
    [MemberData(nameof(Bands))]
    public void Every_node_of_a_three_node_cluster_passes_the_element_check_of_its_release(string release, bool webUi)
    {
        var cluster = Cluster(release, webUi ? Leader : Leader with { WebUiPort = null });

        foreach (var node in cluster)
        {
            var path = Save(Written(node, webUi), node.Address.NodeId!);

            var conf = NcsConfParser.Load(path, _directory, name => name == "NCS_DIR" ? "/opt/nso" : null, SimulatedVersion.Parse(release));

            Assert.Equal(webUi, conf.Webui.Enabled);
            Assert.Contains($"<node-address>{node.Address}</node-address>", File.ReadAllText(path), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_6_7_node_has_its_own_port_and_seeds_with_ports_in_ncs_conf_5_order()
    {
        var node = Cluster("6.7", Leader)[0];

        Assert.Equal(
            [
                "/ncs-config/ha-raft",
                "/ncs-config/ha-raft/enabled = true",
                "/ncs-config/ha-raft/cluster-name = raft",
                "/ncs-config/ha-raft/listen",
                "/ncs-config/ha-raft/listen/node-address = ncsd1@127.0.0.1",
                "/ncs-config/ha-raft/listen/port = 4571",
                "/ncs-config/ha-raft/seed-nodes",
                "/ncs-config/ha-raft/seed-nodes/seed-node",
                "/ncs-config/ha-raft/seed-nodes/seed-node/address = ncsd2@127.0.0.1",
                "/ncs-config/ha-raft/seed-nodes/seed-node/port = 4572",
                "/ncs-config/ha-raft/seed-nodes/seed-node",
                "/ncs-config/ha-raft/seed-nodes/seed-node/address = ncsd3@127.0.0.1",
                "/ncs-config/ha-raft/seed-nodes/seed-node/port = 4573",
                "/ncs-config/ha-raft/ssl",
                "/ncs-config/ha-raft/ssl/enabled = true",
                "/ncs-config/ha-raft/ssl/key-file = ha-tls/node.key",
                "/ncs-config/ha-raft/ssl/cert-file = ha-tls/node.crt",
                "/ncs-config/ha-raft/ssl/ca-cert-file = ha-tls/ca.crt",
                "/ncs-config/ha-raft/ssl/crl-dir = ha-tls/crls/",
            ],
            TreeOf(Written(node, webUi: true).Root!.Element(Ns + "ha-raft")!, "/ncs-config"));
    }

    [Theory]
    [InlineData("6.2")]
    [InlineData("6.5")]
    [InlineData("6.6")]
    public void Up_to_6_6_a_node_has_the_distribution_range_and_seeds_are_addresses(string release)
    {
        var node = Cluster(release, Leader)[1];

        Assert.Equal(
            [
                "/ncs-config/ha-raft",
                "/ncs-config/ha-raft/enabled = true",
                "/ncs-config/ha-raft/cluster-name = raft",
                "/ncs-config/ha-raft/listen",
                "/ncs-config/ha-raft/listen/node-address = ncsd2@127.0.0.1",
                "/ncs-config/ha-raft/listen/min-port = 4370",
                "/ncs-config/ha-raft/listen/max-port = 4399",
                "/ncs-config/ha-raft/seed-nodes",
                "/ncs-config/ha-raft/seed-nodes/seed-node = ncsd1@127.0.0.1",
                "/ncs-config/ha-raft/seed-nodes/seed-node = ncsd3@127.0.0.1",
                "/ncs-config/ha-raft/ssl",
                "/ncs-config/ha-raft/ssl/enabled = true",
                "/ncs-config/ha-raft/ssl/key-file = ha-tls/node.key",
                "/ncs-config/ha-raft/ssl/cert-file = ha-tls/node.crt",
                "/ncs-config/ha-raft/ssl/ca-cert-file = ha-tls/ca.crt",
                "/ncs-config/ha-raft/ssl/crl-dir = ha-tls/crls/",
            ],
            TreeOf(Written(node, webUi: true).Root!.Element(Ns + "ha-raft")!, "/ncs-config"));
    }

    [Theory]
    [InlineData("6.5", "6.7", "/ncs-config/ha-raft/listen/min-port")]
    [InlineData("6.7", "6.6", "/ncs-config/ha-raft/listen/port")]
    public void The_section_of_one_band_fails_the_element_check_of_the_other(string written, string checkedAs, string refused)
    {
        var path = Save(Written(Cluster(written, Leader)[0], webUi: true), "node");

        var error = Assert.Throws<NcsConfException>(() => NcsConfParser.Load(path, _directory, name => name == "NCS_DIR" ? "/opt/nso" : null, SimulatedVersion.Parse(checkedAs)));

        Assert.Contains(refused, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6.5")]
    [InlineData("6.7")]
    public void The_leader_endpoints_go_under_netconf_ssh_cli_ssh_and_webui_tcp(string release)
    {
        var conf = Written(Cluster(release, Leader)[2], webUi: true);

        Assert.Equal(["127.0.0.1:2024"], PrimaryListen(conf, "netconf-north-bound", "transport", "ssh"));
        Assert.Equal(["127.0.0.1:2022"], PrimaryListen(conf, "cli", "ssh"));
        Assert.Equal(["127.0.0.1:8080"], PrimaryListen(conf, "webui", "transport", "tcp"));
        Assert.Equal(3, conf.Descendants(Ns + "ha-primary-listen").Count());
    }

    [Fact]
    public void Without_a_web_ui_port_no_web_ui_endpoint_is_written()
    {
        var conf = Written(Cluster("6.7", Leader with { WebUiPort = null })[0], webUi: false);

        Assert.Empty(PrimaryListen(conf, "webui", "transport", "tcp"));
        Assert.Equal(["127.0.0.1:2022"], PrimaryListen(conf, "cli", "ssh"));
    }

    [Fact]
    public void A_template_s_own_ha_raft_and_leader_endpoints_are_replaced_and_its_other_ha_raft_leaves_kept()
    {
        var template = LoadTemplate("6.7");
        template.Root!.Add(new XElement(
            Ns + "ha-raft",
            new XElement(Ns + "enabled", "false"),
            new XElement(Ns + "cluster-name", "old"),
            new XElement(Ns + "listen", new XElement(Ns + "node-address", "old.example.com")),
            new XElement(Ns + "tick-timeout", "PT2S")));
        template.Root.Element(Ns + "cli")!.Element(Ns + "ssh")!.Add(new XElement(Ns + "ha-primary-listen", new XElement(Ns + "ip", "127.0.0.1"), new XElement(Ns + "port", "9999")));

        var conf = NcsConfWriter.Apply(template, Settings(Cluster("6.7", Leader)[0], webUi: true));

        var haRaft = Assert.Single(conf.Root!.Elements(Ns + "ha-raft"));
        Assert.Equal("raft", haRaft.Element(Ns + "cluster-name")!.Value);
        Assert.Equal("true", haRaft.Element(Ns + "enabled")!.Value);
        Assert.Equal("PT2S", haRaft.Element(Ns + "tick-timeout")!.Value);
        Assert.Equal("tick-timeout", haRaft.Elements().Last().Name.LocalName);
        Assert.Equal(["127.0.0.1:2022"], PrimaryListen(conf, "cli", "ssh"));
    }

    [Fact]
    public void The_section_is_indented_like_ncs_setup_s_files_after_the_northbound_sections()
    {
        var conf = Written(Cluster("6.7", Leader)[0], webUi: true);

        var text = NcsConfWriter.ToText(conf);
        Assert.Contains("</netconf-call-home>\n\n  <ha-raft>\n    <enabled>true</enabled>\n    <cluster-name>raft</cluster-name>\n    <listen>\n      <node-address>ncsd1@127.0.0.1</node-address>", text, StringComparison.Ordinal);
        Assert.Contains("\n        <ha-primary-listen>\n          <ip>127.0.0.1</ip>\n          <port>2024</port>\n        </ha-primary-listen>\n      </ssh>", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Member_names_for_create_cluster_have_the_port_from_6_7_and_not_before()
    {
        var current = Cluster("6.7", Leader);
        var older = Cluster("6.6", Leader);

        Assert.Equal(["ncsd2@127.0.0.1:4572", "ncsd3@127.0.0.1:4573"], RaftMembers.CreateClusterMembers(current, current[0]));
        Assert.Equal(["ncsd1@127.0.0.1", "ncsd3@127.0.0.1"], RaftMembers.CreateClusterMembers(older, older[1]));
        Assert.Equal("ha-raft create-cluster member [ ncsd2@127.0.0.1:4572 ncsd3@127.0.0.1:4573 ]", RaftMembers.CreateClusterCommand(current, current[0]));
    }

    [Fact]
    public void The_ha_ports_are_the_node_s_own_in_6_7_and_epmd_with_the_shared_range_before()
    {
        Assert.Equal([4572], Cluster("6.7", Leader)[1].HaPorts);

        var older = Cluster("6.5", Leader);
        Assert.Equal([4369, .. Enumerable.Range(4370, 30)], older[0].HaPorts);
        Assert.Equal(older[0].HaPorts, older[2].HaPorts);
    }

    [Fact]
    public void A_node_planned_for_another_release_than_the_engine_s_is_refused()
    {
        var node = Cluster("6.7", Leader)[0];

        var error = Assert.Throws<RaftConfException>(() => NcsConfWriter.Apply(LoadTemplate("6.6"), Settings(node, webUi: true) with { Version = new NsoRelease(6, 6) }));

        Assert.Equal("Node ncsd1@127.0.0.1 is planned for NSO 6.7, but the engine that reads this ncs.conf runs NSO 6.6, and the two releases write ha-raft differently; plan the cluster for NSO 6.6.", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_template_with_rule_based_ha_on_is_refused()
    {
        var template = LoadTemplate("6.7");
        template.Root!.Add(new XElement(Ns + "ha", new XElement(Ns + "enabled", "true")));

        var error = Assert.Throws<RaftConfException>(() => NcsConfWriter.Apply(template, Settings(Cluster("6.7", Leader)[0], webUi: true)));

        Assert.Equal("The template turns rule-based HA on (/ncs-config/ha/enabled), and NSO runs one HA mode at a time; set ha/enabled to false in the template for node ncsd1@127.0.0.1.", Assert.Single(error.Problems));
    }

    [Fact]
    public void A_leader_endpoint_on_the_node_s_own_listener_is_refused()
    {
        var node = Cluster("6.7", Leader with { CliSshPort = 20012 })[0];

        var error = Assert.Throws<RaftConfException>(() => Written(node, webUi: true));

        Assert.Equal("Node ncsd1@127.0.0.1: the leader's CLI endpoint 127.0.0.1:20012 (ha-primary-listen) is also the node's own CLI listener; give ha-primary-listen a port of its own.", Assert.Single(error.Problems));
    }

    [Fact]
    public void The_writer_refuses_a_node_without_tls_files()
    {
        var node = Cluster("6.7", Leader)[0] with { Tls = null };

        var error = Assert.Throws<RaftConfException>(() => RaftConfWriter.Apply(LoadTemplate("6.7"), node));

        Assert.StartsWith("The HA Raft cluster 'raft' cannot be configured:\n- Node ncsd1@127.0.0.1 has no TLS files", error.Message, StringComparison.Ordinal);
    }

    private static IReadOnlyList<RaftNode> Cluster(string release, RaftPrimaryListen primary)
    {
        var version = NsoRelease.Parse(release);
        return RaftMembers.OnLoopback("raft", version, 3, version >= RaftNode.SinglePortSince ? [4571, 4572, 4573] : null, primary);
    }

    private static XDocument LoadTemplate(string release) =>
        NcsConfWriter.LoadTemplate(new NcsConfTemplate.Banded(Path.Combine(Templates, "default")).PathFor(NsoRelease.Parse(release)));

    /// <summary>The node's own listeners are on 2001N-style ports, apart from the leader's.</summary>
    private static NcsConfSettings Settings(RaftNode node, bool webUi) => new()
    {
        Version = node.Release,
        Ipc = new NsoIpcEndpoint.Tcp("127.0.0.1", 20010),
        Netconf = new ListenerSettings(true, "127.0.0.1", 20011),
        Cli = new ListenerSettings(true, "127.0.0.1", 20012),
        WebUi = new ListenerSettings(webUi, "127.0.0.1", 20013),
        Raft = node,
    };

    private static XDocument Written(RaftNode node, bool webUi) =>
        NcsConfWriter.Apply(LoadTemplate(node.Release.ToString()), Settings(node, webUi));

    private string Save(XDocument conf, string name)
    {
        var path = Path.Combine(_directory, name + ".conf");
        NcsConfWriter.Save(conf, path);
        return path;
    }

    private static List<string> PrimaryListen(XDocument conf, params string[] path)
    {
        var container = conf.Root;
        foreach (var step in path)
        {
            container = container?.Element(Ns + step);
        }

        return container is null ? [] : [.. container.Elements(Ns + "ha-primary-listen").Select(e => e.Element(Ns + "ip")!.Value + ":" + e.Element(Ns + "port")!.Value)];
    }

    /// <summary>A container as its path, a leaf as PATH = VALUE, in document order.</summary>
    private static List<string> TreeOf(XElement element, string parentPath)
    {
        var path = parentPath + "/" + element.Name.LocalName;
        if (!element.HasElements)
        {
            return [path + " = " + element.Value.Trim()];
        }

        return [path, .. element.Elements().SelectMany(child => TreeOf(child, path))];
    }
}

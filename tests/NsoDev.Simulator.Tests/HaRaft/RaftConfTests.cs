using System.Net;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.HaRaft;

/// <summary>ncs.conf's ha-raft section and ha-primary-listen, as RaftConfWriter writes them per band, checked as NSO checks them.</summary>
public sealed class RaftConfTests
{
    private const string Required = """
          <load-path><dir>./packages</dir></load-path>
          <state-dir>./state</state-dir>
          <cdb><db-dir>./ncs-cdb</db-dir></cdb>
        """;

    private const string Ssl = "<ssl><enabled>true</enabled><key-file>ha-tls/node.key</key-file><cert-file>ha-tls/node.crt</cert-file><ca-cert-file>ha-tls/ca.crt</ca-cert-file></ssl>";

    /// <summary>What RaftConfWriter writes for node 1 of a 6.7 cluster.</summary>
    private const string Section67 = $"""
        <ha-raft>
          <enabled>true</enabled>
          <cluster-name>raft</cluster-name>
          <listen><node-address>ncsd1@127.0.0.1</node-address><port>4571</port></listen>
          <seed-nodes><seed-node><address>ncsd2@127.0.0.1</address><port>4572</port></seed-node></seed-nodes>
          {Ssl}
        </ha-raft>
        """;

    /// <summary>And for node 1 of a 6.5 cluster.</summary>
    private const string Section65 = $"""
        <ha-raft>
          <enabled>true</enabled>
          <cluster-name>raft</cluster-name>
          <listen><node-address>ncsd1@127.0.0.1</node-address><min-port>4370</min-port><max-port>4399</max-port></listen>
          <seed-nodes><seed-node>ncsd2@127.0.0.1</seed-node></seed-nodes>
          {Ssl}
        </ha-raft>
        """;

    private static readonly string[] TlsLeaves = ["key-file", "cert-file", "ca-cert-file"];

    private static NcsConf Parse(string body, string release) =>
        NcsConfParser.Parse(
            $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">\n{Required}\n{body}\n</ncs-config>\n",
            "/run/n1/ncs.conf",
            "/run/n1",
            _ => null,
            NsoVersion.Parse(release));

    private static string Fails(string body, string release) => Assert.Throws<NcsConfException>(() => Parse(body, release)).Message;

    [Fact]
    public void A_67_section_gives_the_member_name_with_its_port_and_the_seeds_in_the_same_form()
    {
        var raft = Parse(Section67, "6.7").HaRaft!;

        Assert.Equal("ncsd1@127.0.0.1:4571", raft.MemberName);
        Assert.Equal(["ncsd2@127.0.0.1:4572"], raft.Seeds);
        Assert.Equal("/run/n1/ha-tls/node.key", raft.KeyFile);
        Assert.Equal(TimeSpan.FromSeconds(1), raft.TickTimeout);
        Assert.Equal("/run/n1/logs/raft.log", raft.Log.FilePath);
    }

    [Fact]
    public void A_65_section_gives_the_member_name_without_a_port_and_the_distribution_range()
    {
        var raft = Parse(Section65, "6.5").HaRaft!;

        Assert.Equal("ncsd1@127.0.0.1", raft.MemberName);
        Assert.Null(raft.ListenPort);
        Assert.Equal((4370, 4399), raft.DistributionPorts);
        Assert.Equal(["ncsd2@127.0.0.1"], raft.Seeds);
    }

    [Fact]
    public void A_disabled_section_is_not_acted_on()
    {
        Assert.Null(Parse("<ha-raft><enabled>false</enabled></ha-raft>", "6.5").HaRaft);
        Assert.Null(Parse(string.Empty, "6.7").HaRaft);
    }

    [Theory]
    [InlineData("key-file")]
    [InlineData("cert-file")]
    [InlineData("ca-cert-file")]
    public void With_ssl_on_by_default_each_tls_file_is_mandatory(string leaf)
    {
        var ssl = string.Join(string.Empty, TlsLeaves.Where(l => l != leaf).Select(l => $"<{l}>ha-tls/{l}</{l}>"));

        var message = Fails($"<ha-raft><enabled>true</enabled><listen><node-address>ncsd1@127.0.0.1</node-address></listen><ssl>{ssl}</ssl></ha-raft>", "6.5");

        Assert.Contains($"ssl/{leaf} is missing; when ha-raft/ssl/enabled is true (the default) NSO requires key-file, cert-file and ca-cert-file", message, StringComparison.Ordinal);
        Assert.StartsWith("/run/n1/ncs.conf:", message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_enabled_section_without_ssl_is_refused_for_its_missing_files()
    {
        var message = Fails("<ha-raft><enabled>true</enabled><listen><node-address>ncsd1@127.0.0.1</node-address></listen></ha-raft>", "6.7");

        Assert.Contains("ssl/key-file is missing", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ssl_turned_off_is_refused()
    {
        var message = Fails("<ha-raft><enabled>true</enabled><listen><node-address>ncsd1@127.0.0.1</node-address></listen><ssl><enabled>false</enabled></ssl></ha-raft>", "6.5");

        Assert.Contains("/ncs-config/ha-raft/ssl/enabled", message, StringComparison.Ordinal);
        Assert.Contains("Never disable TLS", message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_node_address_is_mandatory()
    {
        var message = Fails($"<ha-raft><enabled>true</enabled>{Ssl}</ha-raft>", "6.7");

        Assert.Contains("listen/node-address is missing; NSO requires it when ha-raft is enabled", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ncsd1@0.0.0.0", "wildcard address 0.0.0.0")]
    [InlineData("ncsd1@::", "wildcard address ::")]
    [InlineData("ncsd1@*.example.org", "wildcard")]
    [InlineData("ncsd1@nso1", "short host name 'nso1'")]
    public void A_wildcard_or_short_node_address_is_refused(string address, string problem)
    {
        var message = Fails($"<ha-raft><enabled>true</enabled><listen><node-address>{address}</node-address></listen>{Ssl}</ha-raft>", "6.5");

        Assert.Contains("/ncs-config/ha-raft/listen/node-address", message, StringComparison.Ordinal);
        Assert.Contains(problem, message, StringComparison.Ordinal);
        Assert.Contains("e.g. ncsd1@127.0.0.1", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_short_seed_name_is_refused()
    {
        var message = Fails(Section65.Replace("<seed-node>ncsd2@127.0.0.1</seed-node>", "<seed-node>ncsd2@seed</seed-node>", StringComparison.Ordinal), "6.5");

        Assert.Contains("/ncs-config/ha-raft/seed-nodes/seed-node", message, StringComparison.Ordinal);
        Assert.Contains("short host name 'seed'", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_67_seed_must_be_address_and_port_and_a_65_seed_an_address()
    {
        var plain67 = Fails(Section67.Replace("<seed-node><address>ncsd2@127.0.0.1</address><port>4572</port></seed-node>", "<seed-node>ncsd2@127.0.0.1</seed-node>", StringComparison.Ordinal), "6.7");
        var listed65 = Fails(Section65.Replace("<seed-node>ncsd2@127.0.0.1</seed-node>", "<seed-node><address>ncsd2@127.0.0.1</address></seed-node>", StringComparison.Ordinal), "6.5");

        Assert.Contains("address is missing; NSO 6.7 writes a seed as", plain67, StringComparison.Ordinal);
        Assert.Contains("/ncs-config/ha-raft/seed-nodes/seed-node", listed65, StringComparison.Ordinal);
    }

    [Fact]
    public void The_67_listen_port_is_unknown_in_65()
    {
        var message = Fails(Section67, "6.5");

        Assert.Contains("/ncs-config/ha-raft/listen/port: unknown element in NSO 6.5 (it came in 6.7)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_tick_timeout_names_the_form()
    {
        var message = Fails(Section65.Replace("</ha-raft>", "<tick-timeout>1s</tick-timeout></ha-raft>", StringComparison.Ordinal), "6.5");

        Assert.Contains("\"1s\" is not a positive xs:duration; write it as NSO's default PT1S", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ha_primary_listen_endpoints_are_read_per_service()
    {
        var conf = Parse(Section67 + """
            <netconf-north-bound><transport><ssh><ha-primary-listen><ip>127.0.0.1</ip><port>2024</port></ha-primary-listen></ssh></transport></netconf-north-bound>
            <cli><ssh><ha-primary-listen><ip>127.0.0.1</ip><port>2022</port></ha-primary-listen></ssh></cli>
            <webui><transport><tcp><ha-primary-listen><ip>127.0.0.1</ip><port>8080</port></ha-primary-listen></tcp></transport></webui>
            """, "6.7");

        Assert.Equal(
            [("netconf-ssh", true, 2024), ("cli-ssh", true, 2022), ("webui", false, 8080)],
            conf.HaPrimaryListen.Select(l => (l.Name, l.Enabled, l.Port)));
        Assert.All(conf.HaPrimaryListen, l => Assert.Equal(IPAddress.Loopback, l.Address));
    }

    [Fact]
    public void Ha_primary_listen_without_a_port_is_refused()
    {
        var message = Fails("<cli><ssh><ha-primary-listen><ip>127.0.0.1</ip></ha-primary-listen></ssh></cli>", "6.5");

        Assert.Contains("/ncs-config/cli/ssh/ha-primary-listen: port is missing", message, StringComparison.Ordinal);
    }
}

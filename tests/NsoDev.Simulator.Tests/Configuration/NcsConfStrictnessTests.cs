using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Configuration;

/// <summary>ncs.conf as strictly as NSO reads it: known elements only, typed leaves, per version (NSO-FACTS section 1).</summary>
public sealed class NcsConfStrictnessTests
{
    private const string Required = """
          <load-path><dir>./packages</dir></load-path>
          <state-dir>./state</state-dir>
          <cdb><db-dir>./ncs-cdb</db-dir></cdb>
        """;

    private static NcsConf Parse(string body, string version = "6.5", Func<string, string?>? environment = null) =>
        NcsConfParser.Parse(
            $"<ncs-config xmlns=\"http://tail-f.com/yang/tailf-ncs-config\">\n{Required}\n{body}\n</ncs-config>\n",
            "/run/cfs/ncs.conf",
            "/run/cfs",
            environment ?? (_ => null),
            NsoVersion.Parse(version));

    private static string ParseFails(string body, string version = "6.5") =>
        Assert.Throws<NcsConfException>(() => Parse(body, version)).Message;

    [Fact]
    public void An_unknown_element_is_an_error_naming_its_path_line_and_fix()
    {
        // Line 1 is the root, 2..4 the required leaves, 5 <cli>, 6 <ssh>, 7 <prot>.
        var message = ParseFails("<cli>\n<ssh>\n<prot>2024</prot>\n</ssh>\n</cli>");

        Assert.Equal("/run/cfs/ncs.conf:7: /ncs-config/cli/ssh/prot: unknown element; check the name against ncs.conf(5) or remove it", message);
    }

    [Theory]
    [InlineData("<ncs-ipc-adress/>", "/ncs-config/ncs-ipc-adress")]
    [InlineData("<ncs-ipc-access-check><enable>true</enable></ncs-ipc-access-check>", "/ncs-config/ncs-ipc-access-check/enable")]
    [InlineData("<state-dir-x>./s</state-dir-x>", "/ncs-config/state-dir-x")]
    [InlineData("<netconf-north-bound><transport><ssl/></transport></netconf-north-bound>", "/ncs-config/netconf-north-bound/transport/ssl")]
    [InlineData("<cli><ssh><port><value>2024</value></port></ssh></cli>", "/ncs-config/cli/ssh/port/value")]
    [InlineData("<x:cli xmlns:x=\"urn:other\"/>", "/ncs-config/cli")]
    public void Misspelt_or_misplaced_elements_are_unknown(string body, string path) =>
        Assert.Contains($": {path}: unknown element", ParseFails(body), StringComparison.Ordinal);

    [Fact]
    public void Subtrees_nso_accepts_but_the_simulator_does_not_interpret_are_accepted_whole()
    {
        Parse("""
            <logs><snmp-log><enabled>true</enabled><file><name>./logs/snmp.log</name></file></snmp-log><anything-else/></logs>
            <notifications><event-streams><stream><name>ncs-alarms</name></stream><stream><name>ncs-events</name></stream></event-streams></notifications>
            <snmp-agent><enabled>false</enabled><udp-port>4000</udp-port></snmp-agent>
            <webui><transport><ssl><enabled>false</enabled><key-file>/k</key-file></ssl></transport><custom-headers/></webui>
            <restconf><enabled>true</enabled></restconf>
            <encrypted-strings><external-keys><command>/bin/true</command></external-keys></encrypted-strings>
            <ha-raft><listen><node-address>n1@127.0.0.1</node-address><port>4570</port></listen><seed-nodes><seed-node>n2@127.0.0.1</seed-node><seed-node>n3@127.0.0.1</seed-node></seed-nodes></ha-raft>
            <netconf-call-home><enabled>true</enabled><transport><tcp><ip>127.0.0.1</ip><port>4334</port></tcp></transport></netconf-call-home>
            <cli>
              <prompt1>\u@ncs&gt; </prompt1>
              <ssh><extra-listen><ip>127.0.0.1</ip><port>2025</port></extra-listen><extra-listen><ip>::1</ip><port>2025</port></extra-listen></ssh>
            </cli>
            """);
    }

    [Theory]
    [InlineData("<ha><port>457000</port></ha>", "/ncs-config/ha/port")]
    [InlineData("<ha-raft><listen><node-address>n</node-address><port>x</port></listen></ha-raft>", "/ncs-config/ha-raft/listen/port")]
    [InlineData("<ncs-ipc-extra-listen-ip>localhost</ncs-ipc-extra-listen-ip>", "/ncs-config/ncs-ipc-extra-listen-ip")]
    [InlineData("<cli><ssh><extra-listen><ip>127.0.0.1</ip><port>70000</port></extra-listen></ssh></cli>", "/ncs-config/cli/ssh/extra-listen/port")]
    [InlineData("<ncs-ipc-access-check><enabled>yes</enabled><filename>/x</filename></ncs-ipc-access-check>", "/ncs-config/ncs-ipc-access-check/enabled")]
    [InlineData("<logs><audit-log><enabled>on</enabled></audit-log></logs>", "/ncs-config/logs/audit-log/enabled")]
    [InlineData("<webui><transport><ssl><port>-1</port></ssl></transport></webui>", "/ncs-config/webui/transport/ssl/port")]
    public void Ports_booleans_and_ip_addresses_are_checked_even_where_nso_sim_does_not_use_them(string body, string path) =>
        Assert.Contains($": {path}: \"", ParseFails(body), StringComparison.Ordinal);

    [Fact]
    public void A_leaf_given_twice_is_an_error()
    {
        var message = ParseFails("<ncs-ipc-address><port>1</port><port>2</port></ncs-ipc-address>");

        Assert.EndsWith("/ncs-config/ncs-ipc-address/port: given twice; keep one", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<ncs-ipc-access-check><enabled>false</enabled></ncs-ipc-access-check>", "/ncs-config/ncs-ipc-access-check/filename")]
    [InlineData("<rollback><enabled>true</enabled></rollback>", "/ncs-config/rollback/directory")]
    [InlineData("<ha-raft><listen><port>4570</port></listen></ha-raft>", "/ncs-config/ha-raft/listen/node-address")]
    public void A_leaf_required_by_its_container_is_missing(string body, string path) =>
        Assert.Contains($": {path}: missing; NSO requires it whenever", ParseFails(body), StringComparison.Ordinal);

    [Fact]
    public void Ncs_local_ipc_is_an_unknown_element_before_6_3()
    {
        var message = ParseFails("<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>", "6.2");

        Assert.Equal(
            "/run/cfs/ncs.conf:5: /ncs-config/ncs-local-ipc: unknown element in NSO 6.2 (it came in 6.3); remove it, or simulate a newer NSO with NSO_SIM_VERSION",
            message);
    }

    [Theory]
    [InlineData("6.3", false)]
    [InlineData("6.5", false)]
    [InlineData("6.6", false)]
    [InlineData("6.7", true)]
    public void Ncs_local_ipc_is_off_by_default_until_6_7_turns_it_on(string version, bool enabled)
    {
        var conf = Parse(string.Empty, version);

        Assert.Equal(enabled, conf.LocalIpc.Enabled);
        Assert.Equal("/tmp/nso/nso-ipc", conf.LocalIpc.Path);
    }

    [Fact]
    public void Ncs_local_ipc_is_read_when_given()
    {
        var conf = Parse("<ncs-local-ipc><enabled>true</enabled><path>./ipc/nso-ipc</path></ncs-local-ipc>");

        Assert.Equal(new LocalIpcConf(true, "/run/cfs/ipc/nso-ipc"), conf.LocalIpc);
    }

    [Fact]
    public void A_local_ipc_path_over_107_bytes_is_an_error()
    {
        var path = "/tmp/" + new string('p', 103);

        var message = ParseFails($"<ncs-local-ipc><path>{path}</path></ncs-local-ipc>");

        Assert.EndsWith($"/ncs-config/ncs-local-ipc/path: \"{path}\" is 108 bytes; a Unix socket path holds at most 107; choose a shorter path", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<ncs-local-ipc><path> </path></ncs-local-ipc>", "/ncs-config/ncs-local-ipc/path")]
    [InlineData("<logs><audit-log><file><name/></file></audit-log></logs>", "/ncs-config/logs/audit-log/file/name")]
    public void An_empty_path_is_an_error_rather_than_the_run_directory(string body, string path) =>
        Assert.EndsWith($": {path}: empty; give a path, or leave the element out", ParseFails(body), StringComparison.Ordinal);

    [Fact]
    public void The_access_check_and_extra_ipc_addresses_are_read()
    {
        var conf = Parse("""
            <ncs-ipc-extra-listen-ip>127.0.0.2</ncs-ipc-extra-listen-ip>
            <ncs-ipc-extra-listen-ip>::1</ncs-ipc-extra-listen-ip>
            <ncs-ipc-access-check><enabled>true</enabled><filename>${SECRETS}/ipc_access</filename></ncs-ipc-access-check>
            """, environment: name => name == "SECRETS" ? "/etc/nso" : null);

        Assert.Equal(["127.0.0.2", "::1"], conf.IpcExtraListen.Select(a => a.ToString()));
        Assert.Equal(new IpcAccessCheckConf(true, "/etc/nso/ipc_access"), conf.AccessCheck);
    }

    [Fact]
    public void Log_file_names_come_from_ncs_conf_with_netconf_log_off_by_default()
    {
        var conf = Parse("<logs><developer-log><file><name>./trace/dev.log</name></file></developer-log></logs>");

        Assert.Equal("/run/cfs/trace/dev.log", conf.Logs.Devel.FilePath);
        Assert.Equal("/run/cfs/logs/audit.log", conf.Logs.Audit.FilePath);
        Assert.True(conf.Logs.Audit.WritesFile);
        Assert.False(conf.Logs.Netconf.WritesFile);
        Assert.Equal("logs/netconf-log", conf.Logs.Netconf.ConfPath);
    }
}

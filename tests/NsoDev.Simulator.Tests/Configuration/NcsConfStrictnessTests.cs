using NsoDev.Ipc;
using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Configuration;

/// <summary>ncs.conf as strictly as NSO reads it: the release's elements only, typed leaves (docs/NSO-NOTES.md §1).</summary>
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

    private const string Des3Cbc = "<encrypted-strings><DES3CBC><key1>0123456789abcdef</key1><key2>0123456789abcdef</key2><key3>0123456789abcdef</key3></DES3CBC></encrypted-strings>";

    private static string ParseFails(string body, string version = "6.5") =>
        Assert.Throws<NcsConfException>(() => Parse(body, version)).Message;

    [Fact]
    public void An_unknown_element_is_an_error_naming_its_path_line_and_fix()
    {
        // Line 1 is the root, 2..4 the required leaves, 5 <cli>, 6 <ssh>, 7 <prot>.
        var message = ParseFails("<cli>\n<ssh>\n<prot>2024</prot>\n</ssh>\n</cli>");

        Assert.Equal(
            "/run/cfs/ncs.conf:7: /ncs-config/cli/ssh/prot: unknown element in NSO 6.5; no NSO release (6.1 to 6.7) has it in ncs.conf; check the name against ncs.conf(5) or remove it",
            message);
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
    public void Subtrees_nso_has_are_accepted_even_where_nso_sim_does_not_interpret_them()
    {
        Parse("""
            <logs><snmp-log><enabled>true</enabled><file><name>./logs/snmp.log</name></file></snmp-log><error-log><debug><tag>a</tag><tag>b</tag></debug></error-log></logs>
            <notifications><event-streams><stream><name>ncs-alarms</name></stream><stream><name>ncs-events</name></stream></event-streams></notifications>
            <webui><transport><ssl><enabled>false</enabled><key-file>/k</key-file></ssl></transport><custom-headers><header><name>X</name><value>1</value></header></custom-headers></webui>
            <restconf><enabled>true</enabled></restconf>
            <encrypted-strings><external-keys><command>/bin/true</command></external-keys></encrypted-strings>
            <ha-raft><listen><node-address>n1@127.0.0.1</node-address><min-port>4570</min-port></listen><seed-nodes><seed-node>n2@127.0.0.1</seed-node><seed-node>n3@127.0.0.1</seed-node></seed-nodes></ha-raft>
            <netconf-call-home><enabled>true</enabled><transport><tcp><ip>127.0.0.1</ip><port>4334</port></tcp></transport></netconf-call-home>
            <aaa><pam><enabled>true</enabled><service>common-auth</service></pam><local-authentication><enabled>true</enabled></local-authentication></aaa>
            <cli>
              <prompt1>\u@ncs&gt; </prompt1>
              <ssh><extra-listen><ip>127.0.0.1</ip><port>2025</port></extra-listen><extra-listen><ip>::1</ip><port>2025</port></extra-listen></ssh>
            </cli>
            """);
    }

    [Theory]
    [InlineData("<snmp-agent><enabled>false</enabled></snmp-agent>", "/ncs-config/snmp-agent", "6.5")]
    [InlineData("<snmp-agent><enabled>false</enabled></snmp-agent>", "/ncs-config/snmp-agent", "6.2")]
    [InlineData("<cli><show-log-directory>./logs</show-log-directory></cli>", "/ncs-config/cli/show-log-directory", "6.2")]
    [InlineData("<cli><show-log-directory>./logs</show-log-directory></cli>", "/ncs-config/cli/show-log-directory", "6.7")]
    [InlineData("<logs><snmp-log><anything-else/></snmp-log></logs>", "/ncs-config/logs/snmp-log/anything-else", "6.5")]
    [InlineData("<logs><ncs-log><stdout><enabled>true</enabled></stdout></ncs-log></logs>", "/ncs-config/logs/ncs-log/stdout", "6.5")]
    [InlineData("<webui><custom-headers><header><colour/></header></custom-headers></webui>", "/ncs-config/webui/custom-headers/header/colour", "6.5")]
    [InlineData("<aaa><pam><servce>x</servce></pam></aaa>", "/ncs-config/aaa/pam/servce", "6.4")]
    [InlineData("<notifications><event-streams><stream><replay/></stream></event-streams></notifications>", "/ncs-config/notifications/event-streams/stream/replay", "6.2")]
    public void An_element_no_nso_release_has_is_refused_deep_in_any_subtree(string body, string path, string version) =>
        Assert.EndsWith(
            $": {path}: unknown element in NSO {version}; no NSO release (6.1 to 6.7) has it in ncs.conf; check the name against ncs.conf(5) or remove it",
            ParseFails(body, version),
            StringComparison.Ordinal);

    [Theory]
    [InlineData("6.2")]
    [InlineData("6.3")]
    [InlineData("6.4")]
    public void Des3cbc_keys_are_accepted_up_to_6_4(string version) =>
        Parse(Des3Cbc, version);

    [Theory]
    [InlineData("6.5")]
    [InlineData("6.7")]
    public void Des3cbc_is_refused_from_6_5_naming_the_releases_that_have_it(string version) =>
        Assert.EndsWith(
            $": /ncs-config/encrypted-strings/DES3CBC: unknown element in NSO {version} (only NSO 6.1 to 6.4 have it); remove it, or simulate one of those with NSO_SIM_VERSION",
            ParseFails(Des3Cbc, version),
            StringComparison.Ordinal);

    [Fact]
    public void An_aescfb128_init_vector_is_refused_from_6_5()
    {
        const string body = "<encrypted-strings><AESCFB128><key>0123456789abcdef0123456789abcdef</key><initVector>0123456789abcdef0123456789abcdef</initVector></AESCFB128></encrypted-strings>";

        Parse(body, "6.4");
        Assert.Contains(": /ncs-config/encrypted-strings/AESCFB128/initVector: unknown element in NSO 6.5 (only NSO 6.1 to 6.4 have it)", ParseFails(body, "6.5"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<logs><upgrade-log><enabled>true</enabled></upgrade-log></logs>", "/ncs-config/logs/upgrade-log", "6.1", "6.2")]
    [InlineData("<ha-raft><listen><node-address>n1@127.0.0.1</node-address><port>4570</port></listen></ha-raft>", "/ncs-config/ha-raft/listen/port", "6.6", "6.7")]
    [InlineData("<api><query-timeout>PT120S</query-timeout></api>", "/ncs-config/api", "6.3", "6.4")]
    public void An_element_of_a_later_release_names_the_release_it_came_in(string body, string path, string version, string since)
    {
        Assert.EndsWith(
            $": {path}: unknown element in NSO {version} (it came in {since}); remove it, or simulate NSO {since} or later with NSO_SIM_VERSION",
            ParseFails(body, version),
            StringComparison.Ordinal);
        Parse(body, since);
    }

    [Fact]
    public void Seed_nodes_are_a_leaf_list_until_6_7_makes_them_a_list_with_address_and_port()
    {
        Parse("<ha-raft><seed-nodes><seed-node>n2@127.0.0.1</seed-node></seed-nodes></ha-raft>", "6.6");
        Parse("<ha-raft><seed-nodes><seed-node><address>n2@127.0.0.1</address><port>4570</port></seed-node><seed-node><address>n3@127.0.0.1</address></seed-node></seed-nodes></ha-raft>", "6.7");

        Assert.Contains(
            ": /ncs-config/ha-raft/seed-nodes/seed-node/address: unknown element; /ncs-config/ha-raft/seed-nodes/seed-node is a leaf and holds a value",
            ParseFails("<ha-raft><seed-nodes><seed-node><address>n2@127.0.0.1</address></seed-node></seed-nodes></ha-raft>", "6.6"),
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_port_is_a_yang_uint16_so_a_plus_sign_and_leading_zeros_are_taken_and_a_minus_sign_is_not()
    {
        Assert.Equal(2024, Parse("<cli><ssh><port>+02024</port></ssh></cli>").CliSsh.Port);
        Assert.EndsWith("\"-1\" is not a port number (0..65535)", ParseFails("<cli><ssh><port>-1</port></ssh></cli>"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("<compaction><journal-compaction>often</journal-compaction></compaction>", "/ncs-config/compaction/journal-compaction", "\"often\" is not one of automatic, manual")]
    [InlineData("<logs><developer-log-level>loud</developer-log-level></logs>", "/ncs-config/logs/developer-log-level", "\"loud\" is not one of error, info, trace")]
    [InlineData("<rollback><directory>./logs</directory><history-size>-1</history-size></rollback>", "/ncs-config/rollback/history-size", "\"-1\" is not a uint32 (0..4294967295)")]
    [InlineData("<rollback><directory>./logs</directory><history-size>5x</history-size></rollback>", "/ncs-config/rollback/history-size", "\"5x\" is not a uint32 (0..4294967295)")]
    [InlineData("<max-validation-errors>many</max-validation-errors>", "/ncs-config/max-validation-errors", "\"many\" is not a uint32 (0..4294967295) or unbounded")]
    [InlineData("<netconf-north-bound><transport><ssh-call-home-source-address><ipv4>::1</ipv4></ssh-call-home-source-address></transport></netconf-north-bound>", "/ncs-config/netconf-north-bound/transport/ssh-call-home-source-address/ipv4", "\"::1\" is not an IPv4 address")]
    public void Enumerations_and_integers_are_checked(string body, string path, string problem) =>
        Assert.EndsWith($": {path}: {problem}", ParseFails(body, "6.4"), StringComparison.Ordinal);

    [Fact]
    public void Enumerations_and_integers_are_checked_after_variable_substitution()
    {
        var environment = new Dictionary<string, string> { ["LEVEL"] = "info", ["SIZE"] = "500" };

        Parse(
            "<logs><developer-log-level>${LEVEL}</developer-log-level></logs><rollback><directory>./logs</directory><history-size>${SIZE:-50}</history-size></rollback><max-validation-errors>${MAX:-unbounded}</max-validation-errors>",
            environment: environment.GetValueOrDefault);
    }

    [Fact]
    public void Obsolete_nodes_of_the_6_2_5_yang_are_still_accepted_by_6_2()
    {
        const string body = "<notifications><event-streams><stream><name>service-state-changes</name><include-component-type>true</include-component-type></stream></event-streams></notifications>";

        Parse(body, "6.2");
        Assert.Contains(
            ": /ncs-config/notifications/event-streams/stream/include-component-type: unknown element in NSO 6.3 (only NSO 6.1 to 6.2 have it)",
            ParseFails(body, "6.3"),
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("6.0")]
    [InlineData("6.8")]
    [InlineData("6.10")]
    public void A_release_without_a_known_element_tree_cannot_be_simulated(string version)
    {
        var error = Assert.Throws<FormatException>(() => NsoVersion.Parse(version));

        Assert.Equal(
            $"NSO_SIM_VERSION=\"{version}\": nso-sim simulates NSO 6.1, 6.2, 6.3, 6.4, 6.5, 6.6, 6.7, the releases whose ncs.conf(5) it knows; set NSO_SIM_VERSION to one of them",
            error.Message);
    }

    [Fact]
    public void The_embedded_tree_knows_releases_6_1_to_6_7_and_local_ipc_from_6_4()
    {
        Assert.Equal(["6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7"], NcsConfSchema.Releases.Select(r => r.ToString()));
        Assert.Equal(new NsoRelease(6, 4), NcsConfSchema.LocalIpcSince);
    }

    [Theory]
    [InlineData("<ha><port>457000</port></ha>", "/ncs-config/ha/port")]
    [InlineData("<ha-raft><listen><node-address>n</node-address><min-port>x</min-port></listen></ha-raft>", "/ncs-config/ha-raft/listen/min-port")]
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
    [InlineData("<ha-raft><listen><min-port>4570</min-port></listen></ha-raft>", "/ncs-config/ha-raft/listen/node-address")]
    public void A_leaf_required_by_its_container_is_missing(string body, string path) =>
        Assert.Contains($": {path}: missing; NSO requires it whenever", ParseFails(body), StringComparison.Ordinal);

    [Theory]
    [InlineData("6.2")]
    [InlineData("6.3")]
    public void Ncs_local_ipc_is_an_unknown_element_before_6_4(string version)
    {
        var message = ParseFails("<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>", version);

        Assert.Equal(
            $"/run/cfs/ncs.conf:5: /ncs-config/ncs-local-ipc: unknown element in NSO {version} (it came in 6.4); remove it, or simulate NSO 6.4 or later with NSO_SIM_VERSION",
            message);
    }

    [Fact]
    public void Ncs_local_ipc_is_accepted_from_6_4() =>
        Assert.True(Parse("<ncs-local-ipc><enabled>true</enabled><path>/tmp/nso/nso-ipc</path></ncs-local-ipc>", "6.4").LocalIpc.Enabled);

    [Theory]
    [InlineData("6.4", false)]
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

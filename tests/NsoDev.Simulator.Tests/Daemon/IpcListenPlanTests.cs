using NsoDev.Simulator.Configuration;
using NsoDev.Simulator.Daemon;
using NsoDev.Simulator.Ipc;

namespace NsoDev.Simulator.Tests.Daemon;

/// <summary>Where the daemon's IPC goes, from ncs.conf, version and environment (docs/NSO-NOTES.md §1).</summary>
public sealed class IpcListenPlanTests
{
    private static NcsConf Conf(string body = "", string version = "6.5") =>
        NcsConfParser.Parse(
            $"""
            <ncs-config xmlns="http://tail-f.com/yang/tailf-ncs-config">
              <load-path><dir>./packages</dir></load-path><state-dir>./state</state-dir><cdb><db-dir>./ncs-cdb</db-dir></cdb>
              <ncs-ipc-address><ip>127.0.0.1</ip><port>5010</port></ncs-ipc-address>
              {body}
            </ncs-config>
            """,
            "/run/cfs/ncs.conf",
            "/run/cfs",
            _ => null,
            NsoVersion.Parse(version));

    private static string Plan(NcsConf conf, string version, params (string Name, string Value)[] environment)
    {
        var variables = environment.ToDictionary(e => e.Name, e => e.Value);
        return IpcListenPlan.Resolve(conf, NsoVersion.Parse(version), variables.GetValueOrDefault).ToString();
    }

    [Fact]
    public void Ncs_conf_alone_means_tcp_on_ncs_ipc_address() =>
        Assert.Equal("tcp 127.0.0.1:5010", Plan(Conf(), "6.5"));

    [Fact]
    public void Extra_listen_addresses_share_the_ipc_port() =>
        Assert.Equal(
            "tcp 127.0.0.1:5010, tcp [::1]:5010",
            Plan(Conf("<ncs-ipc-extra-listen-ip>::1</ncs-ipc-extra-listen-ip>"), "6.5"));

    [Fact]
    public void Local_ipc_on_in_ncs_conf_turns_tcp_ipc_off() =>
        Assert.Equal(
            "local /tmp/nso/nso-ipc1",
            Plan(Conf("<ncs-local-ipc><enabled>true</enabled><path>/tmp/nso/nso-ipc1</path></ncs-local-ipc>"), "6.5"));

    [Fact]
    public void Nso_6_7_uses_local_ipc_unless_ncs_conf_turns_it_off()
    {
        Assert.Equal("local /tmp/nso/nso-ipc", Plan(Conf(version: "6.7"), "6.7"));
        Assert.Equal("tcp 127.0.0.1:5010", Plan(Conf("<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>", "6.7"), "6.7"));
    }

    [Theory]
    [InlineData("6.4", "tcp 127.0.0.1:5010")]
    [InlineData("6.5", "local /tmp/nso/other")]
    [InlineData("6.6", "local /tmp/nso/other")]
    [InlineData("6.7", "local /tmp/nso/other")]
    public void Ncs_ipc_path_at_start_overrides_ncs_conf_from_6_5(string version, string plan) =>
        Assert.Equal(plan, Plan(Conf("<ncs-local-ipc><enabled>false</enabled></ncs-local-ipc>", version), version, ("NCS_IPC_PATH", "/tmp/nso/other")));

    [Theory]
    [InlineData("6.5", "local /tmp/nso/nso-ipc1")]
    [InlineData("6.6", "local /tmp/nso/nso-ipc1")]
    [InlineData("6.7", "tcp 127.0.0.1:6010")]
    public void Ncs_ipc_port_at_start_picks_tcp_ipc_only_in_6_7(string version, string plan)
    {
        var conf = Conf("<ncs-local-ipc><enabled>true</enabled><path>/tmp/nso/nso-ipc1</path></ncs-local-ipc>", version);

        Assert.Equal(plan, Plan(conf, version, ("NCS_IPC_PORT", "6010")));
    }

    [Fact]
    public void Ncs_ipc_path_wins_over_ncs_ipc_port_in_6_7() =>
        Assert.Equal("local /tmp/nso/p", Plan(Conf(version: "6.7"), "6.7", ("NCS_IPC_PORT", "6010"), ("NCS_IPC_PATH", "/tmp/nso/p")));

    [Fact]
    public void A_bad_ncs_ipc_path_at_start_is_a_configuration_error()
    {
        var error = Assert.Throws<NcsConfException>(() => Plan(Conf(), "6.5", ("NCS_IPC_PATH", "/tmp/" + new string('q', 110))));

        Assert.Contains("the daemon's environment: NCS_IPC_PATH=/tmp/qqq", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("is 115 bytes; a Unix socket path holds at most 107; choose a shorter path", error.Message, StringComparison.Ordinal);
    }
}

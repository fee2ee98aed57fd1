using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;

namespace NsoDev.Hosting.Tests.Netsim;

/// <summary>The thin layer over ncs-netsim: --dir before every verb, the leading arguments of nso-sim, the port variables on creation only; and its DEVICE lines read back.</summary>
public sealed class NetsimCommandLineTests
{
    private static readonly NetsimPorts Ports = new(new Dictionary<NetsimPortKind, int>
    {
        [NetsimPortKind.Ipc] = 15010,
        [NetsimPortKind.NetconfSsh] = 16010,
        [NetsimPortKind.NetconfTcp] = 17010,
        [NetsimPortKind.CliSsh] = 18010,
        [NetsimPortKind.Snmp] = 19010,
    }, 2);

    private static readonly Dictionary<string, string?> Environment = new() { ["NCS_DIR"] = "/opt/nso" };

    [Fact]
    public void Every_verb_puts_the_leading_arguments_then_dir_first_and_a_device_last()
    {
        var simulator = new NetsimCommandLine(new NetsimCommand("/opt/nsodev/nso-sim", ["netsim"]), "/run/nso-1/netsim", Environment);

        Assert.Equal(["netsim", "--dir", "/run/nso-1/netsim", "ncs-xml-init"], simulator.XmlInit().Arguments);
        Assert.Equal(["netsim", "--dir", "/run/nso-1/netsim", "start"], simulator.Start().Arguments);
        Assert.Equal(["netsim", "--dir", "/run/nso-1/netsim", "stop", "ex1"], simulator.Stop("ex1").Arguments);
        Assert.Equal(["netsim", "--dir", "/run/nso-1/netsim", "reset", "ex0"], simulator.Reset("ex0").Arguments);
        Assert.Equal(["netsim", "--dir", "/run/nso-1/netsim", "is-alive"], simulator.IsAlive().Arguments);
        Assert.Equal(["netsim", "--dir", "/run/nso-1/netsim", "delete-network"], simulator.DeleteNetwork().Arguments);
        Assert.Equal("/opt/nsodev/nso-sim", simulator.Start().FileName);
    }

    [Fact]
    public void Creation_passes_package_count_and_prefix_and_sets_the_five_base_variables()
    {
        var netsim = new NetsimCommandLine(new NetsimCommand("/opt/nso/bin/ncs-netsim", []), "/run/nso-1/netsim", Environment);

        var create = netsim.CreateNetwork(new NetsimDeclaration("/neds/router-nc-1.1", 2, "ex"), Ports);
        var add = netsim.AddToNetwork(new NetsimDeclaration("/neds/switch", 1, "sw"), Ports);

        Assert.Equal(["--dir", "/run/nso-1/netsim", "create-network", "/neds/router-nc-1.1", "2", "ex"], create.Arguments);
        Assert.Equal(["--dir", "/run/nso-1/netsim", "add-to-network", "/neds/switch", "1", "sw"], add.Arguments);
        Assert.Equal(
            new Dictionary<string, string?> { ["NCS_DIR"] = "/opt/nso", ["IPC_PORT"] = "15010", ["NETCONF_SSH_PORT"] = "16010", ["NETCONF_TCP_PORT"] = "17010", ["CLI_SSH_PORT"] = "18010", ["SNMP_PORT"] = "19010" },
            create.Environment);
        Assert.Equal(Environment, netsim.Start().Environment);
    }

    [Fact]
    public void Device_lines_say_ok_or_not_per_device_and_other_lines_are_skipped()
    {
        const string output = "DEVICE ex0 OK STARTED\nDEVICE ex1 FAIL\nsome other line\nDEVICE sw0 already STOPPED\n  DEVICE sw1 OK  \n";

        var results = NetsimOutput.DeviceResults(output);

        Assert.Equal(new Dictionary<string, bool> { ["ex0"] = true, ["ex1"] = false, ["sw0"] = false, ["sw1"] = true }, results);
    }
}

using NsoDev.Simulator.Netsim;

namespace NsoDev.Simulator.Tests.Netsim;

/// <summary>The command line, .netsiminfo and confd.conf of <c>nso-sim netsim</c>, without processes.</summary>
public sealed class NetsimUnitTests
{
    [Fact]
    public void Create_network_may_be_given_several_times_in_one_call()
    {
        var line = NetsimCommandLine.Parse(["create-network", "pkg/a", "3", "a", "create-network", "pkg/b", "2", "b", "--dir", "/x"]);

        Assert.Equal(NetsimVerb.CreateNetwork, line.Verb);
        Assert.Equal([new NetsimCreation("pkg/a", 3, "a", false), new NetsimCreation("pkg/b", 2, "b", false)], line.Creations);
        Assert.Equal("/x", line.Dir);
    }

    [Fact]
    public void Control_commands_take_an_optional_device_and_the_async_flag()
    {
        var all = NetsimCommandLine.Parse(["-a", "start"]);
        var one = NetsimCommandLine.Parse(["stop", "device2", "--dir", "n"]);
        var port = NetsimCommandLine.Parse(["get-port", "device1", "cli"]);
        var init = NetsimCommandLine.Parse(["ncs-xml-init", "d0", "d1"]);

        Assert.True(all.Async);
        Assert.Empty(all.Devices);
        Assert.Equal(["device2"], one.Devices);
        Assert.Equal(("device1", "cli"), (port.Devices[0], port.Protocol));
        Assert.Equal(["d0", "d1"], init.Devices);
    }

    [Theory]
    [InlineData("start device0 stop", "Can only do one command")]
    [InlineData("create-network p 2", "Need prefix for device names")]
    [InlineData("create-network p two x", "Need integer for number of devices")]
    [InlineData("frobnicate", "Unknown arg frobnicate")]
    [InlineData("cli device0", "does not simulate")]
    [InlineData("get-port", "get-port command requires a device argument")]
    [InlineData("--dir", "--dir needs a directory")]
    [InlineData("", "Need a command to do")]
    public void Bad_command_lines_say_what_is_wrong(string args, string message)
    {
        var error = Assert.Throws<NetsimException>(() => NetsimCommandLine.Parse(args.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Netsiminfo_round_trips_and_quotes_what_a_shell_would_split()
    {
        NetsimDevice[] devices =
        [
            new("device0", "device", new NetsimPorts(5010, 12022, 13022, 11022, 10022), "device/device0", "../pkg", "/home/me/pkg"),
            new("x1", "x", new NetsimPorts(5011, 12023, 13023, 11023, 10023), "x/x1", "../My Packages/it's", "/home/me/My Packages/it's"),
        ];

        var text = NetsimInfo.Format(devices);
        var parsed = NetsimInfo.Parse(text, ".netsiminfo");

        Assert.Equal(devices, parsed);
        Assert.Contains("\n## device device0\ndevices[0]=device0\nprefix[0]=device\nnetconf_ssh_port[0]=12022\nnetconf_tcp_port[0]=13022\nsnmp_port[0]=11022\ncli_ssh_port[0]=10022\nipc_port[0]=5010\ndevicedirs[0]=device/device0\n", text, StringComparison.Ordinal);
        Assert.Contains("packagedirs[1]='../My Packages/it'\\''s'\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_netsiminfo_names_the_missing_record()
    {
        var error = Assert.Throws<NetsimException>(() => NetsimInfo.Parse("devices[0]=d0\nprefix[0]=d\n", "/n/.netsiminfo"));

        Assert.Contains("/n/.netsiminfo: device 0 has no", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Port_variables_set_the_bases_and_a_bad_one_is_named()
    {
        var variables = new Dictionary<string, string> { ["IPC_PORT"] = "6010", ["CLI_SSH_PORT"] = "20022" };

        var ports = NetsimPorts.FromEnvironment(n => variables.GetValueOrDefault(n));
        var error = Assert.Throws<NetsimException>(() => NetsimPorts.FromEnvironment(n => n == "SNMP_PORT" ? "70000" : null));

        Assert.Equal(new NetsimPorts(6010, 12022, 13022, 11022, 20022), ports);
        Assert.Equal(new NetsimPorts(6012, 12024, 13024, 11024, 20024), ports.Plus(2));
        Assert.Contains("SNMP_PORT=70000 is not a port number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_template_is_filled_in_and_read_back_by_confds_element_names()
    {
        const string template = """
            <confdConfig xmlns="http://tail-f.com/ns/confd_cfg/1.0">
              <confdIpcAddress><ip>127.0.0.1</ip><port>%IPC_PORT%</port></confdIpcAddress>
              <cdb><enabled>true</enabled><dbDir>./cdb</dbDir></cdb>
              <aaa><sshServerKeyDir>./keys</sshServerKeyDir></aaa>
              <netconf><transport><ssh><enabled>true</enabled><ip>127.0.0.1</ip><port>%NETCONF_SSH_PORT%</port></ssh><tcp><enabled>false</enabled></tcp></transport></netconf>
              <cli><prompt1>\u@%NAME%&gt; </prompt1><ssh><enabled>false</enabled><port>%CLI_SSH_PORT%</port></ssh></cli>
            </confdConfig>
            """;
        var dir = Directory.CreateTempSubdirectory("nso-netsim-conf-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, DeviceConf.FileName), DeviceConf.Substitute(template, "pe3", 3, new NetsimPorts(5013, 12025, 13025, 11025, 10025)));

            var conf = DeviceConf.Load(dir);

            Assert.Equal(5013, conf.Ipc.Port);
            Assert.Equal(12025, conf.NetconfSsh!.Port);
            Assert.Null(conf.CliSsh);
            Assert.Equal(Path.Combine(dir, "keys"), conf.SshKeyDir);
            Assert.Equal(Path.Combine(dir, "cdb"), conf.DbDir);
            Assert.Contains(@"\u@pe3&gt; ", File.ReadAllText(Path.Combine(dir, DeviceConf.FileName)), StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_sample_package_is_a_netconf_ned_with_its_ned_id_namespace()
    {
        var package = NedPackage.Load(Path.Combine(RepositoryRoot.Path, "samples", "packages", "router-nc"), RepositoryRoot.Path);

        Assert.Equal(NedType.Netconf, package.Type);
        Assert.Equal("router-nc-1.1", package.Name);
        Assert.Equal("id:router-nc-1.1", package.NedId.Value);
        Assert.Equal("http://tail-f.com/ns/ned-id/router-nc-1.1", package.NedId.GetNamespaceOfPrefix("id")!.NamespaceName);
        Assert.Equal(["router.xml"], package.InitFiles.Select(Path.GetFileName));
    }
}

using System.Globalization;
using System.Xml.Linq;
using NsoDev.Simulator.Netsim;
using NsoDev.Simulator.Tests.Processes;
using Renci.SshNet;

namespace NsoDev.Simulator.Tests.Netsim;

/// <summary>
/// <c>nso-sim netsim</c> as NsoDev drives it: a network of three devices from samples/packages/router-nc
/// on free port bases, started as real detached device daemons, and SSH.NET as NSO's device manager.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class NetsimProcessTests : IAsyncLifetime
{
    private readonly NetsimTestNetwork _net = new();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await _net.DisposeAsync();

    [Fact(Timeout = 60_000)]
    public async Task Create_network_of_three_writes_netsiminfo_and_a_device_folder_each_on_the_port_bases()
    {
        var create = await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "3", "device"], TestContext.Current.CancellationToken);

        Assert.Equal("DEVICE device0 CREATED\nDEVICE device1 CREATED\nDEVICE device2 CREATED\n", create.Stdout);
        var devices = NetsimInfo.Load(_net.Dir);
        Assert.Equal(["device0", "device1", "device2"], devices.Select(d => d.Name));
        for (var i = 0; i < 3; i++)
        {
            var d = devices[i];
            Assert.Equal(new NetsimPorts(_net.IpcBase + i, _net.NetconfBase + i, _net.Bases["NETCONF_TCP_PORT"] + i, _net.SnmpBase + i, _net.CliBase + i), d.Ports);
            Assert.Equal($"device/device{i}", d.DeviceDir);
            Assert.Equal(NetsimTestNetwork.Package, d.AbsPackageDir);
            var dir = Path.Combine(_net.Dir, d.DeviceDir);
            Assert.True(File.Exists(Path.Combine(dir, "cdb", "router.xml")), "the package's init XML is in cdb/");
            Assert.True(Directory.Exists(Path.Combine(dir, "logs")));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "ssh"), "ssh_host_*_key.pub"));
            var conf = DeviceConf.Load(dir);
            Assert.Equal(_net.IpcBase + i, conf.Ipc.Port);
            Assert.Equal(_net.NetconfBase + i, conf.NetconfSsh!.Port);
            Assert.Equal(_net.CliBase + i, conf.CliSsh!.Port);
            var env = await File.ReadAllTextAsync(Path.Combine(dir, "env.sh"), TestContext.Current.CancellationToken);
            Assert.Contains($"export CONFD_IPC_PORT=\"{_net.IpcBase + i}\"\n", env, StringComparison.Ordinal);
            Assert.Contains($"export NAME=\"device{i}\"\n", env, StringComparison.Ordinal);
            Assert.Contains($"export TWO_DIGIT_COUNTER=\"0{i}\"\n", env, StringComparison.Ordinal);
        }

        Assert.Contains($"netconf_ssh_port[2]={_net.NetconfBase + 2}\n", await File.ReadAllTextAsync(Path.Combine(_net.Dir, ".netsiminfo"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task List_and_get_port_print_ncs_netsims_lines()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "3", "device"], TestContext.Current.CancellationToken);

        var list = await _net.MustAsync(["list"], TestContext.Current.CancellationToken);
        var port = await Task.WhenAll(NetsimCommandLine.Protocols.Select(p => _net.MustAsync(["get-port", "device1", p], TestContext.Current.CancellationToken)));
        var ipcByDefault = await _net.MustAsync(["get-port", "device2"], TestContext.Current.CancellationToken);

        var lines = list.Stdout.Split('\n');
        Assert.Equal($"ncs-netsim list for  {_net.Dir}", lines[0]);
        Assert.Equal(string.Empty, lines[1]);
        Assert.Equal($"name=device1 netconf={_net.NetconfBase + 1} snmp={_net.SnmpBase + 1} ipc={_net.IpcBase + 1} cli={_net.CliBase + 1} dir={_net.Dir}/device/device1 ", lines[3]);
        Assert.Equal(
            [$"{_net.IpcBase + 1}\n", $"{_net.NetconfBase + 1}\n", $"{_net.CliBase + 1}\n", $"{_net.SnmpBase + 1}\n"],
            port.Select(p => p.Stdout));
        Assert.Equal($"{_net.IpcBase + 2}\n", ipcByDefault.Stdout);
        Assert.Equal($"{_net.Dir}\n", (await _net.MustAsync(["whichdir"], TestContext.Current.CancellationToken)).Stdout);
        Assert.Equal($"{NetsimTestNetwork.Package}\n", (await _net.MustAsync(["packages"], TestContext.Current.CancellationToken)).Stdout);
    }

    [Fact(Timeout = 90_000)]
    public async Task Started_devices_are_alive_and_serve_their_seeded_data_over_netconf_on_the_planned_ports()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "3", "device"], TestContext.Current.CancellationToken);

        var start = await _net.MustAsync(["start"], TestContext.Current.CancellationToken);
        var alive = await _net.MustAsync(["is-alive"], TestContext.Current.CancellationToken);

        Assert.Equal("DEVICE device0 OK STARTED\nDEVICE device1 OK STARTED\nDEVICE device2 OK STARTED\n", start.Stdout);
        Assert.Equal("DEVICE device0 OK\nDEVICE device1 OK\nDEVICE device2 OK\n", alive.Stdout);
        await Task.Run(
            () =>
            {
                for (var i = 0; i < 3; i++)
                {
                    using var client = NetsimTestNetwork.Netconf(_net.NetconfBase + i);
                    var capabilities = client.ServerCapabilities.OuterXml;
                    Assert.Contains("urn:ietf:params:netconf:base:1.0", capabilities, StringComparison.Ordinal);
                    Assert.Contains("urn:ietf:params:netconf:base:1.1", capabilities, StringComparison.Ordinal);

                    var all = NetsimTestNetwork.GetConfig(client, "1");
                    var filtered = NetsimTestNetwork.GetConfig(client, "2", $"""<filter type="subtree"><sys xmlns="{NetsimTestNetwork.RouterNamespace}"><ntp/></sys></filter>""");

                    Assert.Contains("<name>eth0</name>", all, StringComparison.Ordinal);
                    Assert.Contains("<name>eth2</name>", all, StringComparison.Ordinal);
                    Assert.Contains("<name>10.0.0.123</name>", filtered, StringComparison.Ordinal);
                    Assert.DoesNotContain("eth0", filtered, StringComparison.Ordinal);
                }
            },
            TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 90_000)]
    public async Task An_edit_config_shows_in_get_config_and_a_delete_removes_the_entry()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "1", "device"], TestContext.Current.CancellationToken);
        await _net.MustAsync(["start"], TestContext.Current.CancellationToken);

        await Task.Run(
            () =>
            {
                using var client = NetsimTestNetwork.Netconf(_net.NetconfBase);
                var merge = NetsimTestNetwork.EditConfig(client, "10", Interface("eth9", "<description>added by a test</description>"));
                var afterMerge = NetsimTestNetwork.GetConfig(client, "11");
                var delete = NetsimTestNetwork.EditConfig(client, "12", Interface("eth0", string.Empty, """ xmlns:nc="urn:ietf:params:xml:ns:netconf:base:1.0" nc:operation="delete" """));
                var afterDelete = NetsimTestNetwork.GetConfig(client, "13");

                Assert.Contains("<ok", merge, StringComparison.Ordinal);
                Assert.Contains("<description>added by a test</description>", afterMerge, StringComparison.Ordinal);
                Assert.Contains("<ok", delete, StringComparison.Ordinal);
                Assert.DoesNotContain("<name>eth0</name>", afterDelete, StringComparison.Ordinal);
                Assert.Contains("<name>eth1</name>", afterDelete, StringComparison.Ordinal);
            },
            TestContext.Current.CancellationToken);
    }

    [Fact(Timeout = 120_000)]
    public async Task Stop_ends_the_daemons_and_frees_their_ports_and_a_new_start_keeps_the_data()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "3", "device"], TestContext.Current.CancellationToken);
        await _net.MustAsync(["start"], TestContext.Current.CancellationToken);
        var pids = await _net.DevicePidsAsync(TestContext.Current.CancellationToken);
        await EditAsync(_net.NetconfBase + 1, "eth7");

        var stop = await _net.MustAsync(["stop"], TestContext.Current.CancellationToken);

        Assert.Equal("DEVICE device0 STOPPED\nDEVICE device1 STOPPED\nDEVICE device2 STOPPED\n", stop.Stdout);
        Assert.Equal(3, pids.Count);
        Assert.All(pids, pid => Assert.False(ProcessTable.IsAlive(pid) && !IsZombie(pid), $"device daemon {pid} still runs"));
        for (var i = 0; i < 3; i++)
        {
            Assert.True(NetsimTestNetwork.IsFree(_net.IpcBase + i), "IPC port still held");
            Assert.True(NetsimTestNetwork.IsFree(_net.NetconfBase + i), "NETCONF port still held");
            Assert.True(NetsimTestNetwork.IsFree(_net.CliBase + i), "CLI port still held");
        }

        Assert.Equal("DEVICE device0 FAIL\nDEVICE device1 FAIL\nDEVICE device2 FAIL\n", (await _net.MustAsync(["is-alive"], TestContext.Current.CancellationToken)).Stdout);
        Assert.Equal("DEVICE device1 already STOPPED\n", (await _net.MustAsync(["stop", "device1"], TestContext.Current.CancellationToken)).Stdout);

        await _net.MustAsync(["start"], TestContext.Current.CancellationToken);
        Assert.Contains("<name>eth7</name>", await GetConfigAsync(_net.NetconfBase + 1), StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task Reset_brings_a_device_back_to_its_init_xml_and_leaves_the_others()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "2", "device"], TestContext.Current.CancellationToken);
        await _net.MustAsync(["start"], TestContext.Current.CancellationToken);
        await EditAsync(_net.NetconfBase, "eth5");
        await EditAsync(_net.NetconfBase + 1, "eth6");

        var reset = await _net.MustAsync(["reset", "device0"], TestContext.Current.CancellationToken);

        Assert.Equal("DEVICE device0 STOPPED\nDEVICE device0 RESET\n", reset.Stdout);
        Assert.Equal(["router.xml"], Directory.GetFiles(Path.Combine(_net.Dir, "device", "device0", "cdb")).Select(Path.GetFileName));
        Assert.Empty(Directory.GetFiles(Path.Combine(_net.Dir, "device", "device0", "logs")));
        Assert.Equal("DEVICE device0 FAIL\nDEVICE device1 OK\n", (await _net.MustAsync(["is-alive"], TestContext.Current.CancellationToken)).Stdout);

        await _net.MustAsync(["start", "device0"], TestContext.Current.CancellationToken);
        var device0 = await GetConfigAsync(_net.NetconfBase);
        Assert.DoesNotContain("eth5", device0, StringComparison.Ordinal);
        Assert.Contains("<name>eth0</name>", device0, StringComparison.Ordinal);
        Assert.Contains("<name>eth6</name>", await GetConfigAsync(_net.NetconfBase + 1), StringComparison.Ordinal);

        var restart = await _net.MustAsync(["restart", "device1"], TestContext.Current.CancellationToken);
        Assert.Equal("DEVICE device1 STOPPED\nDEVICE device1 RESET\nDEVICE device1 OK STARTED\n", restart.Stdout);
        Assert.DoesNotContain("eth6", await GetConfigAsync(_net.NetconfBase + 1), StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Ncs_xml_init_lists_each_device_with_its_port_ned_id_and_the_host_key_it_presents()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "3", "device"], TestContext.Current.CancellationToken);
        await _net.MustAsync(["start"], TestContext.Current.CancellationToken);

        var init = await _net.MustAsync(["ncs-xml-init"], TestContext.Current.CancellationToken);
        var one = await _net.MustAsync(["ncs-xml-init", "device2"], TestContext.Current.CancellationToken);

        XNamespace ncs = "http://tail-f.com/ns/ncs";
        var root = XElement.Parse(init.Stdout);
        Assert.Equal(ncs + "devices", root.Name);
        var devices = root.Elements(ncs + "device").ToList();
        Assert.Equal(["device0", "device1", "device2"], devices.Select(d => d.Element(ncs + "name")!.Value));
        for (var i = 0; i < 3; i++)
        {
            var device = devices[i];
            Assert.Equal("127.0.0.1", device.Element(ncs + "address")!.Value);
            Assert.Equal((_net.NetconfBase + i).ToString(CultureInfo.InvariantCulture), device.Element(ncs + "port")!.Value);
            Assert.Equal("unlocked", device.Element(ncs + "state")!.Element(ncs + "admin-state")!.Value);
            Assert.Equal("default", device.Element(ncs + "authgroup")!.Value);
            var nedId = device.Element(ncs + "device-type")!.Element(ncs + "netconf")!.Element(ncs + "ned-id")!;
            Assert.Equal("id:router-nc-1.1", nedId.Value);
            Assert.Equal("http://tail-f.com/ns/ned-id/router-nc-1.1", nedId.GetNamespaceOfPrefix("id")!.NamespaceName);

            var keyData = device.Element(ncs + "ssh")!.Elements(ncs + "host-key")
                .Select(k => (Algorithm: k.Element(ncs + "algorithm")!.Value, Blob: k.Element(ncs + "key-data")!.Value.Split(' ')[1]))
                .ToList();
            var presented = await PresentedHostKeyAsync(_net.NetconfBase + i);
            Assert.Contains(Convert.ToBase64String(presented.Blob), keyData.Select(k => k.Blob));
            Assert.Contains(keyData, k => k.Algorithm == presented.Type && k.Blob == Convert.ToBase64String(presented.Blob));
        }

        var single = XElement.Parse(one.Stdout).Elements(ncs + "device").Select(d => d.Element(ncs + "name")!.Value);
        Assert.Equal(["device2"], single);
    }

    [Fact(Timeout = 60_000)]
    public async Task Add_to_network_goes_on_from_the_last_devices_ports_and_numbers()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "2", "device", "create-network", NetsimTestNetwork.Package, "1", "edge"], TestContext.Current.CancellationToken);

        // Other bases now: add-to-network must ignore them, as ncs-netsim does.
        var moved = _net.Environment.ToDictionary(p => p.Key, _ => "40000");
        var add = await _net.RunAsync(moved, ["add-to-network", NetsimTestNetwork.Package, "2", "device"], TestContext.Current.CancellationToken);
        var single = await _net.MustAsync(["add-device", NetsimTestNetwork.Package, "core"], TestContext.Current.CancellationToken);

        Assert.Equal(0, add.ExitCode);
        Assert.Equal("DEVICE device2 CREATED\nDEVICE device3 CREATED\n", add.Stdout);
        Assert.Equal("DEVICE core CREATED\n", single.Stdout);
        var devices = NetsimInfo.Load(_net.Dir);
        Assert.Equal(["device0", "device1", "edge0", "device2", "device3", "core"], devices.Select(d => d.Name));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => _net.NetconfBase + i), devices.Select(d => d.Ports.NetconfSsh));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => _net.IpcBase + i), devices.Select(d => d.Ports.Ipc));
        Assert.Equal("core/core", devices[5].DeviceDir);
        Assert.True(Directory.Exists(Path.Combine(_net.Dir, "device", "device3", "cdb")));
        Assert.Contains("export COUNTER=\"4\"", await File.ReadAllTextAsync(Path.Combine(_net.Dir, "device", "device3", "env.sh"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task The_cli_port_serves_the_cli_over_ssh_with_the_devices_own_data()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "2", "device"], TestContext.Current.CancellationToken);
        await _net.MustAsync(["start"], TestContext.Current.CancellationToken);
        await EditAsync(_net.NetconfBase + 1, "eth8");

        var (first, second) = await Task.Run(
            () =>
            {
                string Show(int port)
                {
                    using var client = new SshClient("127.0.0.1", port, "admin", "admin");
                    client.Connect();
                    var show = client.RunCommand("show running-config");
                    Assert.Equal(0, show.ExitStatus);
                    return show.Result;
                }

                return (Show(_net.CliBase), Show(_net.CliBase + 1));
            },
            TestContext.Current.CancellationToken);

        Assert.Contains("eth0", first, StringComparison.Ordinal);
        Assert.DoesNotContain("eth8", first, StringComparison.Ordinal);
        Assert.Contains("eth8", second, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Delete_network_stops_running_devices_and_removes_the_directory()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "2", "device"], TestContext.Current.CancellationToken);
        await _net.MustAsync(["start", "device1"], TestContext.Current.CancellationToken);
        var pids = await _net.DevicePidsAsync(TestContext.Current.CancellationToken);

        var delete = await _net.MustAsync(["delete-network"], TestContext.Current.CancellationToken);

        Assert.Equal("DEVICE device0 already STOPPED\nDEVICE device1 STOPPED\n", delete.Stdout);
        Assert.False(Directory.Exists(_net.Dir));
        Assert.Single(pids);
        Assert.False(ProcessTable.IsAlive(pids[0]) && !IsZombie(pids[0]), "the started device still runs");
        Assert.True(NetsimTestNetwork.IsFree(_net.NetconfBase + 1));
        Assert.Equal(0, (await _net.RunAsync(["delete-network"], TestContext.Current.CancellationToken)).ExitCode);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_device_logs_its_start_listeners_netconf_rpcs_logins_and_stop_in_confds_log_files()
    {
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "1", "device"], TestContext.Current.CancellationToken);
        await _net.MustAsync(["start"], TestContext.Current.CancellationToken);

        await Task.Run(
            () =>
            {
                using (var netconf = NetsimTestNetwork.Netconf(_net.NetconfBase))
                {
                    NetsimTestNetwork.GetConfig(netconf, "1");
                }

                using var cli = new SshClient("127.0.0.1", _net.CliBase, "admin", "admin");
                cli.Connect();
                cli.RunCommand("show running-config");
            },
            TestContext.Current.CancellationToken);
        await _net.MustAsync(["stop"], TestContext.Current.CancellationToken);

        // The files of router-nc's confd.conf.netsim, which NsoDev follows into the dashboard (NSO-NOTES §10).
        var logs = Path.Combine(_net.Dir, "device", "device0", "logs");
        var confd = await File.ReadAllTextAsync(Path.Combine(logs, "confd.log"), TestContext.Current.CancellationToken);
        var netconfLog = await File.ReadAllTextAsync(Path.Combine(logs, "netconf.log"), TestContext.Current.CancellationToken);
        var audit = await File.ReadAllTextAsync(Path.Combine(logs, "audit.log"), TestContext.Current.CancellationToken);

        Assert.Contains($"- listening on netconf-ssh 127.0.0.1:{_net.NetconfBase}\n", confd, StringComparison.Ordinal);
        Assert.Contains($"- listening on cli-ssh 127.0.0.1:{_net.CliBase}\n", confd, StringComparison.Ordinal);
        Assert.Contains("- device device0 started (nso-sim netsim device, pid ", confd, StringComparison.Ordinal);
        Assert.EndsWith("- device device0 stopping (stop requested on its IPC port)\n", confd, StringComparison.Ordinal);
        Assert.StartsWith("<INFO> ", confd, StringComparison.Ordinal);
        Assert.Contains("new session for user \"admin\"", netconfLog, StringComparison.Ordinal);
        Assert.Contains("got rpc: get-config message-id=\"1\"", netconfLog, StringComparison.Ordinal);
        Assert.Contains("login ok: user admin, method password", audit, StringComparison.Ordinal);
        Assert.Contains("user: admin CLI exec 'show running-config'", audit, StringComparison.Ordinal);
    }

    private static string Interface(string name, string content, string attributes = "") =>
        $"""<sys xmlns="{NetsimTestNetwork.RouterNamespace}"><interfaces><interface{attributes}><name>{name}</name>{content}</interface></interfaces></sys>""";

    private static Task EditAsync(int port, string name) => Task.Run(
        () =>
        {
            using var client = NetsimTestNetwork.Netconf(port);
            Assert.Contains("<ok", NetsimTestNetwork.EditConfig(client, "20", Interface(name, string.Empty)), StringComparison.Ordinal);
        },
        TestContext.Current.CancellationToken);

    private static Task<string> GetConfigAsync(int port) => Task.Run(
        () =>
        {
            using var client = NetsimTestNetwork.Netconf(port);
            return NetsimTestNetwork.GetConfig(client, "30");
        },
        TestContext.Current.CancellationToken);

    private static Task<(string Type, byte[] Blob)> PresentedHostKeyAsync(int port) => Task.Run(
        () =>
        {
            using var client = new SshClient("127.0.0.1", port, "admin", "admin");
            (string, byte[])? presented = null;
            client.HostKeyReceived += (_, e) => presented = (KeyTypeOf(e.HostKey), e.HostKey);
            client.Connect();
            return presented ?? throw new InvalidOperationException("no host key was received");
        },
        TestContext.Current.CancellationToken);

    // The public key blob starts with its type as an SSH string: a 4-byte length, then the name.
    private static string KeyTypeOf(byte[] blob) =>
        System.Text.Encoding.ASCII.GetString(blob, 4, (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3]);

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}

using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Renci.SshNet;

namespace NsoDev.Simulator.Tests.Processes;

/// <summary>
/// nso-sim as NSO's device manager, end to end: an instance daemon whose init file lists devices, and a
/// second nso-sim daemon as the device (its own NETCONF over SSH serves get-config and edit-config). SSH.NET
/// drives the instance's CLI and NETCONF, and reads the device directly.
/// </summary>
[Collection(RealProcesses.Name)]
public sealed class DeviceManagerProcessTests : IAsyncLifetime
{
    private const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private const string Router = "urn:example:router";
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly XNamespace Nc = Base;

    private readonly SimRunDirectory _instanceRun = new();
    private SimDaemon? _device;
    private SimDaemon? _instance;

    private int DevicePort => _device!.Run.NetconfPort;

    public async ValueTask InitializeAsync()
    {
        _device = await SimDaemon.StartInNewDirectoryAsync(new SimDaemonOptions(), northbound: true, TestContext.Current.CancellationToken);
        using var device = Netconf(DevicePort);
        Ok(Rpc(device, $"<edit-config><target><running/></target><config><sys xmlns=\"{Router}\"><interfaces><interface><name>eth0</name><mtu>1500</mtu></interface></interfaces><ntp><server><name>10.0.0.1</name></server><server><name>10.0.0.2</name></server></ntp></sys></config></edit-config>"));
    }

    public async ValueTask DisposeAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }

        if (_device is not null)
        {
            await _device.DisposeAsync();
        }

        _instanceRun.Dispose();
    }

    [Fact(Timeout = 90_000)]
    public async Task Init_file_devices_are_loaded_on_the_first_start_only()
    {
        await StartInstanceAsync(Device("d0", DevicePort), TestContext.Current.CancellationToken);
        Assert.Equal(["d0"], DeviceNames());

        await _instance!.StopAsync(TestContext.Current.CancellationToken);
        WriteInitFile(Device("d0", DevicePort) + Device("d1", DevicePort));
        _instance = await SimDaemon.StartAsync(_instanceRun, null, TestContext.Current.CancellationToken);

        Assert.Equal(["d0"], DeviceNames());
    }

    [Fact(Timeout = 90_000)]
    public async Task Fetch_ssh_host_keys_stores_the_key_the_device_presents_and_a_second_fetch_finds_it_unchanged()
    {
        await StartInstanceAsync(Device("d0", DevicePort), TestContext.Current.CancellationToken);

        var first = Cli("devices fetch-ssh-host-keys");
        var second = Cli("devices fetch-ssh-host-keys");

        Assert.Equal(0, first.Exit);
        Assert.StartsWith("fetch-result {\n    device d0\n    result updated\n    fingerprint {\n        algorithm ", first.Output, StringComparison.Ordinal);
        var (algorithm, keyData) = KeyTheDevicePresents();
        var stored = Assert.Single(DeviceEntry("d0").Elements(Ncs + "ssh").Elements(Ncs + "host-key"));
        Assert.Equal(algorithm, stored.Element(Ncs + "algorithm")?.Value);
        Assert.Equal(keyData, stored.Element(Ncs + "key-data")?.Value);
        Assert.Contains("    result unchanged\n", second.Output, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Sync_from_as_a_netconf_action_copies_the_devices_configuration_and_check_sync_sees_a_change_made_on_the_device()
    {
        await StartInstanceAsync(Device("d0", DevicePort), TestContext.Current.CancellationToken);
        using var instance = Netconf(_instanceRun.NetconfPort);

        var fetched = Rpc(instance, Action("<fetch-ssh-host-keys/>"));
        var synced = Rpc(instance, Action("<sync-from/>"));
        var inSync = Rpc(instance, Action("<device><name>d0</name><check-sync/></device>"));
        using (var device = Netconf(DevicePort))
        {
            Ok(Rpc(device, $"<edit-config><target><running/></target><config><sys xmlns=\"{Router}\"><interfaces><interface><name>eth0</name><mtu>1400</mtu></interface></interfaces></sys></config></edit-config>"));
        }

        var outOfSync = Rpc(instance, Action("<device><name>d0</name><check-sync/></device>"));

        Assert.Equal("updated", fetched.Element(Ncs + "fetch-result")?.Element(Ncs + "result")?.Value);
        var result = Assert.Single(synced.Elements(Ncs + "sync-result"));
        Assert.Equal(("d0", "true"), (result.Element(Ncs + "device")?.Value, result.Element(Ncs + "result")?.Value));
        Assert.Equal("1500", DeviceConfig("d0").Descendants(XName.Get("mtu", Router)).Single().Value);
        Assert.Equal(2, DeviceConfig("d0").Descendants(XName.Get("server", Router)).Count());
        Assert.Equal("in-sync", inSync.Element(Ncs + "result")?.Value);
        Assert.Equal("out-of-sync", outOfSync.Element(Ncs + "result")?.Value);
        Assert.StartsWith("got: ", outOfSync.Element(Ncs + "info")?.Value, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task An_edit_committed_on_the_instance_reaches_the_device_before_the_commit_completes()
    {
        await StartInstanceAsync(Device("d0", DevicePort), TestContext.Current.CancellationToken);
        Assert.Contains("result updated", Cli("devices device d0 ssh fetch-host-keys").Output, StringComparison.Ordinal);
        Assert.Equal("result true\n", Cli("devices device d0 sync-from").Output);
        using var instance = Netconf(_instanceRun.NetconfPort);

        Ok(Rpc(instance, $"""
            <edit-config><target><running/></target><config><devices xmlns="http://tail-f.com/ns/ncs"><device><name>d0</name><config>
              <sys xmlns="{Router}"><interfaces><interface><name>eth0</name><mtu>9000</mtu></interface></interfaces><ntp><server nc:operation="delete" xmlns:nc="{Base}"><name>10.0.0.1</name></server></ntp></sys>
            </config></device></devices></config></edit-config>
            """));

        using var device = Netconf(DevicePort);
        var onDevice = Rpc(device, "<get-config><source><running/></source></get-config>");
        Assert.Equal("9000", onDevice.Descendants(XName.Get("mtu", Router)).Single().Value);
        Assert.Equal(["10.0.0.2"], onDevice.Descendants(XName.Get("server", Router)).Select(s => s.Element(XName.Get("name", Router))!.Value));
        Assert.Equal("sync-result {\n    device d0\n    result in-sync\n}\n", Cli("devices check-sync").Output);
    }

    [Fact(Timeout = 90_000)]
    public async Task A_device_that_refuses_the_edit_fails_the_commit_with_the_devices_error_and_running_stays_as_it_was()
    {
        await StartInstanceAsync(Device("d0", DevicePort), TestContext.Current.CancellationToken);
        Cli("devices fetch-ssh-host-keys");
        Cli("devices sync-from");
        using var holder = Netconf(DevicePort);
        Ok(Rpc(holder, "<lock><target><running/></target></lock>"));
        using var instance = Netconf(_instanceRun.NetconfPort);

        var reply = Rpc(instance, $"<edit-config><target><running/></target><config><devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>d0</name><config><sys xmlns=\"{Router}\"><interfaces><interface><name>eth0</name><mtu>9100</mtu></interface></interfaces></sys></config></device></devices></config></edit-config>");

        var message = reply.Descendants(Nc + "error-message").Single().Value;
        Assert.StartsWith("External error in the NED implementation for device d0: in-use: running is locked by session", message, StringComparison.Ordinal);
        Assert.Equal("1500", DeviceConfig("d0").Descendants(XName.Get("mtu", Router)).Single().Value);
    }

    [Fact(Timeout = 90_000)]
    public async Task When_a_second_device_refuses_the_commit_the_first_device_gets_its_change_undone()
    {
        await StartInstanceAsync(Device("d0", DevicePort) + Device("d1", DevicePort, "wrong"), TestContext.Current.CancellationToken);
        Cli("devices fetch-ssh-host-keys");
        Cli("devices device d0 sync-from");
        using var instance = Netconf(_instanceRun.NetconfPort);
        var mtu = $"<config><sys xmlns=\"{Router}\"><interfaces><interface><name>eth0</name><mtu>9000</mtu></interface></interfaces></sys></config>";

        var reply = Rpc(instance, $"<edit-config><target><running/></target><config><devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>d0</name>{mtu}</device><device><name>d1</name>{mtu}</device></devices></config></edit-config>");

        Assert.StartsWith("Failed to authenticate towards device d1: ", reply.Descendants(Nc + "error-message").Single().Value, StringComparison.Ordinal);
        using var device = Netconf(DevicePort);
        Assert.Equal("1500", Rpc(device, "<get-config><source><running/></source></get-config>").Descendants(XName.Get("mtu", Router)).Single().Value);
        Assert.Equal("1500", DeviceConfig("d0").Descendants(XName.Get("mtu", Router)).Single().Value);
        Assert.Equal("result in-sync\n", Cli("devices device d0 check-sync").Output);
    }

    [Fact(Timeout = 90_000)]
    public async Task Unknown_and_wrong_host_keys_a_wrong_password_and_a_closed_port_each_fail_with_their_own_reason()
    {
        var closed = FreePorts.One();
        await StartInstanceAsync(Device("d0", DevicePort) + Device("dk", DevicePort) + Device("dp", DevicePort, "wrong") + Device("dc", closed), TestContext.Current.CancellationToken);

        var beforeFetch = Cli("devices device d0 connect");
        var fetch = Cli("devices fetch-ssh-host-keys");
        var algorithm = DeviceEntry("dk").Descendants(Ncs + "algorithm").Single().Value;
        using (var instance = Netconf(_instanceRun.NetconfPort))
        {
            var bogus = Convert.ToBase64String(new byte[51]);
            Ok(Rpc(instance, $"<edit-config><target><running/></target><config><devices xmlns=\"http://tail-f.com/ns/ncs\"><device><name>dk</name><ssh><host-key><algorithm>{algorithm}</algorithm><key-data>{bogus}</key-data></host-key></ssh></device></devices></config></edit-config>"));
        }

        var connect = Results(Cli("devices connect").Output);
        var failuresOnly = Cli("devices connect suppress-positive-result").Output;

        Assert.StartsWith("result false\ninfo Failed to connect to device d0: no ", beforeFetch.Output, StringComparison.Ordinal);
        Assert.Contains("run devices fetch-ssh-host-keys", beforeFetch.Output, StringComparison.Ordinal);
        Assert.Contains("fetch-result {\n    device dc\n    result failed\n    info Failed to connect to device dc: connection refused\n}", fetch.Output, StringComparison.Ordinal);
        Assert.Equal(("true", $"(admin) Connected to d0 - 127.0.0.1:{DevicePort.ToString(CultureInfo.InvariantCulture)}"), connect["d0"]);
        Assert.Equal("false", connect["dk"].Result);
        Assert.StartsWith("Failed to connect to device dk: SSH host key mismatch", connect["dk"].Info, StringComparison.Ordinal);
        Assert.StartsWith("Failed to authenticate towards device dp: ", connect["dp"].Info, StringComparison.Ordinal);
        Assert.Equal("Failed to connect to device dc: connection refused", connect["dc"].Info);
        Assert.DoesNotContain("device d0\n", failuresOnly, StringComparison.Ordinal);
        Assert.Contains("device dp\n", failuresOnly, StringComparison.Ordinal);
    }

    [Fact(Timeout = 90_000)]
    public async Task Show_devices_device_state_answers_and_an_action_on_an_unknown_device_is_an_error_naming_it()
    {
        await StartInstanceAsync(Device("d0", DevicePort), TestContext.Current.CancellationToken);

        var state = Cli("show devices device d0 state");
        var unknown = Cli("devices device nosuch sync-from");

        Assert.Equal(0, state.Exit);
        Assert.Contains("admin-state unlocked", state.Output, StringComparison.Ordinal);
        Assert.Contains("state oper-state enabled", state.Output, StringComparison.Ordinal);
        Assert.Equal(1, unknown.Exit);
        Assert.StartsWith("Error: no device nosuch in /devices/device", unknown.Output, StringComparison.Ordinal);
    }

    private static string Device(string name, int port, string authgroup = "default") => $"""
        <device><name>{name}</name><address>127.0.0.1</address><port>{port.ToString(CultureInfo.InvariantCulture)}</port>
          <authgroup>{authgroup}</authgroup>
          <device-type><netconf><ned-id xmlns:router-nc-1.0="http://tail-f.com/ns/ned-id/router-nc-1.0">router-nc-1.0:router-nc-1.0</ned-id></netconf></device-type>
          <state><admin-state>unlocked</admin-state></state>
        </device>
        """;

    private void WriteInitFile(string devices)
    {
        var dbDir = Directory.CreateDirectory(Path.Combine(_instanceRun.Path, "ncs-cdb")).FullName;
        File.WriteAllText(Path.Combine(dbDir, "devices_init.xml"), $"""
            <config xmlns="http://tail-f.com/ns/config/1.0">
              <devices xmlns="http://tail-f.com/ns/ncs">
                <authgroups>
                  <group><name>default</name><default-map><remote-name>admin</remote-name><remote-password>admin</remote-password></default-map></group>
                  <group><name>wrong</name><default-map><remote-name>admin</remote-name><remote-password>nimda</remote-password></default-map></group>
                </authgroups>
                {devices}
              </devices>
            </config>
            """);
    }

    private async Task StartInstanceAsync(string devices, CancellationToken cancellationToken)
    {
        WriteInitFile(devices);
        _instance = await SimDaemon.StartAsync(_instanceRun, null, cancellationToken);
    }

    private static string Action(string path) =>
        $"<action xmlns=\"urn:ietf:params:xml:ns:yang:1\"><devices xmlns=\"http://tail-f.com/ns/ncs\">{path}</devices></action>";

    private static NetConfClient Netconf(int port)
    {
        var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false };
        client.Connect();
        return client;
    }

    private static XElement Rpc(NetConfClient client, string body)
    {
        var document = new XmlDocument();
        document.LoadXml($"<rpc message-id=\"1\" xmlns=\"{Base}\">{body}</rpc>");
        return XElement.Parse(client.SendReceiveRpc(document).OuterXml);
    }

    private static void Ok(XElement reply) => Assert.True(reply.Element(Nc + "ok") is not null, reply.ToString());

    private XElement RunningOfInstance()
    {
        using var client = Netconf(_instanceRun.NetconfPort);
        return Rpc(client, "<get-config><source><running/></source></get-config>");
    }

    private string[] DeviceNames() =>
        [.. RunningOfInstance().Descendants(Ncs + "device").Select(d => d.Element(Ncs + "name")!.Value)];

    private XElement DeviceEntry(string name) =>
        RunningOfInstance().Descendants(Ncs + "device").Single(d => d.Element(Ncs + "name")?.Value == name);

    private XElement DeviceConfig(string name) => DeviceEntry(name).Element(Ncs + "config") ?? new XElement(Ncs + "config");

    /// <summary>The host key the device shows SSH.NET, as the instance should store it.</summary>
    private (string Algorithm, string KeyData) KeyTheDevicePresents()
    {
        using var client = new SshClient("127.0.0.1", DevicePort, "admin", "admin");
        (string, string) key = default;
        client.HostKeyReceived += (_, e) => key = (e.HostKeyName.StartsWith("rsa-sha2-", StringComparison.Ordinal) ? "ssh-rsa" : e.HostKeyName, Convert.ToBase64String(e.HostKey));
        client.Connect();
        return key;
    }

    private (int Exit, string Output) Cli(string command)
    {
        using var client = new SshClient("127.0.0.1", _instanceRun.CliPort, "admin", "admin");
        client.Connect();
        using var run = client.RunCommand(command);
        return (run.ExitStatus ?? -1, run.Result + run.Error);
    }

    /// <summary>Each <c>connect-result { device D result R info I }</c> of the CLI's output, by device.</summary>
    private static Dictionary<string, (string Result, string Info)> Results(string output)
    {
        var results = new Dictionary<string, (string, string)>();
        foreach (var block in output.Split("}\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = block.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(' ', StringComparison.Ordinal))
                .ToDictionary(l => l[..l.IndexOf(' ', StringComparison.Ordinal)], l => l[(l.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
            results[fields["device"]] = (fields["result"], fields.GetValueOrDefault("info", string.Empty));
        }

        return results;
    }
}

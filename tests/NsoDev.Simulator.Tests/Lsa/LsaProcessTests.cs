using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using Renci.SshNet;

namespace NsoDev.Simulator.Tests.Lsa;

/// <summary>
/// LSA on the simulator, end to end: an upper nso-sim whose init data has a <c>cluster remote-node</c> and an
/// <c>lsa-remote-node</c> device per lower node, and two lower nso-sim daemons. The upper reaches each lower
/// node over NETCONF with its device manager, through the remote node's address and port and the factory
/// default cluster authgroup (same-user, same-pass), so the lower node's running configuration becomes the
/// device's configuration on the upper.
/// </summary>
[Collection(Processes.RealProcesses.Name)]
public sealed class LsaProcessTests : IAsyncLifetime
{
    private const string Base = "urn:ietf:params:xml:ns:netconf:base:1.0";
    private const string Rfs = "urn:example:rfs-vlan";
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";

    private readonly SimRunDirectory _upperRun = new();
    private readonly List<SimDaemon> _lowers = [];
    private SimDaemon? _upper;

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        for (var i = 1; i <= 2; i++)
        {
            var lower = await SimDaemon.StartInNewDirectoryAsync(new SimDaemonOptions(), northbound: true, token);
            _lowers.Add(lower);
            using var client = Netconf(lower.Run.NetconfPort);
            Ok(Rpc(client, $"<edit-config><target><running/></target><config><vlan xmlns=\"{Rfs}\"><service><name>v{i}</name><vid>{100 + i}</vid></service></vlan></config></edit-config>"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_upper is not null)
        {
            await _upper.DisposeAsync();
        }

        foreach (var lower in _lowers)
        {
            await lower.DisposeAsync();
        }

        _upperRun.Dispose();
    }

    [Fact(Timeout = 120_000)]
    public async Task After_fetch_host_keys_and_sync_from_both_remote_nodes_are_in_sync_and_each_lower_nodes_data_is_under_its_device()
    {
        await StartUpperAsync(RemoteNode("lower-1", _lowers[0].Run.NetconfPort) + RemoteNode("lower-2", _lowers[1].Run.NetconfPort), LsaDevice("lower-1") + LsaDevice("lower-2"), TestContext.Current.CancellationToken);

        var cliFetch = Cli("cluster remote-node lower-1 ssh fetch-host-keys");
        XElement netconfFetch;
        using (var upper = Netconf(_upperRun.NetconfPort))
        {
            netconfFetch = Rpc(upper, "<action xmlns=\"http://tail-f.com/ns/netconf/actions/1.0\"><data><cluster xmlns=\"http://tail-f.com/ns/ncs\"><remote-node><name>lower-2</name><ssh><fetch-host-keys/></ssh></remote-node></cluster></data></action>");
        }

        var deviceFetch = Cli("devices fetch-ssh-host-keys");
        var synced = Cli("devices sync-from");

        Assert.StartsWith("result updated\nfingerprint {\n    algorithm ", cliFetch, StringComparison.Ordinal);
        Assert.Equal("updated", netconfFetch.Descendants(Ncs + "fetch-host-keys").Single().Element(Ncs + "result")?.Value);
        var running = RunningOfUpper();
        Assert.All(running.Descendants(Ncs + "remote-node"), n => Assert.NotNull(n.Element(Ncs + "ssh")?.Element(Ncs + "host-key")?.Element(Ncs + "key-data")));
        Assert.Contains("fetch-result {\n    device lower-1\n    result updated\n", deviceFetch, StringComparison.Ordinal);
        Assert.Contains("sync-result {\n    device lower-1\n    result true\n}", synced, StringComparison.Ordinal);
        Assert.Contains("sync-result {\n    device lower-2\n    result true\n}", synced, StringComparison.Ordinal);
        Assert.Equal("101", DeviceConfig(running, "lower-1").Descendants(XName.Get("vid", Rfs)).Single().Value);
        Assert.Equal("102", DeviceConfig(running, "lower-2").Descendants(XName.Get("vid", Rfs)).Single().Value);
        Assert.Equal("sync-result {\n    device lower-1\n    result in-sync\n}\nsync-result {\n    device lower-2\n    result in-sync\n}\n", Cli("devices check-sync"));
    }

    [Fact(Timeout = 120_000)]
    public async Task A_lower_node_that_is_down_a_missing_remote_node_and_an_unloaded_cisco_nso_ned_are_each_that_devices_own_result()
    {
        var closed = FreePorts.One();
        await StartUpperAsync(
            RemoteNode("lower-1", _lowers[0].Run.NetconfPort) + RemoteNode("down", closed),
            LsaDevice("lower-1") + LsaDevice("down") + LsaDevice("ghost") + LsaDevice("lower-1-nc", remoteNode: "lower-1", nedId: "cisco-nso-nc-6.2"),
            TestContext.Current.CancellationToken);

        var fetch = Cli("cluster remote-node down ssh fetch-host-keys");
        var unknown = Cli("cluster remote-node nosuch ssh fetch-host-keys");
        Cli("devices fetch-ssh-host-keys");
        var synced = Cli("devices sync-from");

        Assert.Equal("result failed\ninfo Failed to connect to remote node down: connection refused\n", fetch);
        Assert.StartsWith("Error: no remote node nosuch in /cluster/remote-node; add it first (the remote nodes are: lower-1 down)", unknown, StringComparison.Ordinal);
        Assert.Contains("sync-result {\n    device lower-1\n    result true\n}", synced, StringComparison.Ordinal);
        Assert.Contains("sync-result {\n    device down\n    result false\n    info Failed to connect to device down: connection refused\n}", synced, StringComparison.Ordinal);
        Assert.Contains("    info Failed to connect to device ghost: lsa-remote-node ghost names no /cluster/remote-node{ghost}; add it", synced, StringComparison.Ordinal);
        Assert.Contains("    info Failed to connect to device lower-1-nc: ned-id cisco-nso-nc-6.2 is not loaded: no package cisco-nso-nc-6.2 in the load path", synced, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_cisco_nso_ned_id_works_once_its_package_is_in_the_load_path()
    {
        var package = Directory.CreateDirectory(Path.Combine(_upperRun.Path, "packages", "cisco-nso-nc-6.2"));
        File.WriteAllText(Path.Combine(package.FullName, "package-meta-data.xml"), "<ncs-package xmlns=\"http://tail-f.com/ns/ncs-packages\"><name>cisco-nso-nc-6.2</name></ncs-package>");
        await StartUpperAsync(RemoteNode("lower-1", _lowers[0].Run.NetconfPort), LsaDevice("lower-1", nedId: "cisco-nso-nc-6.2"), TestContext.Current.CancellationToken);

        Cli("devices fetch-ssh-host-keys");
        var synced = Cli("devices device lower-1 sync-from");

        Assert.Equal("result true\n", synced);
        Assert.Equal("101", DeviceConfig(RunningOfUpper(), "lower-1").Descendants(XName.Get("vid", Rfs)).Single().Value);
    }

    private static string RemoteNode(string name, int port) => $"""
        <remote-node><name>{name}</name><address>127.0.0.1</address><port>{port.ToString(CultureInfo.InvariantCulture)}</port>
          <authgroup>default</authgroup><username>admin</username></remote-node>
        """;

    private static string LsaDevice(string name, string? remoteNode = null, string nedId = "lsa-netconf")
    {
        var ned = nedId == "lsa-netconf"
            ? "<ned-id xmlns:ned=\"http://tail-f.com/ns/ncs-ned\">ned:lsa-netconf</ned-id>"
            : $"<ned-id xmlns:id=\"http://tail-f.com/ns/ned-id/{nedId}\">id:{nedId}</ned-id>";
        return $"""
            <device><name>{name}</name><lsa-remote-node>{remoteNode ?? name}</lsa-remote-node><authgroup>default</authgroup>
              <device-type><netconf>{ned}</netconf></device-type>
              <state><admin-state>unlocked</admin-state></state></device>
            """;
    }

    /// <summary>The upper node with its LSA init data, and the stock init-path, so NSO's factory defaults (the cluster authgroup) load too.</summary>
    private async Task StartUpperAsync(string remoteNodes, string devices, CancellationToken token)
    {
        var dbDir = Directory.CreateDirectory(Path.Combine(_upperRun.Path, "ncs-cdb")).FullName;
        await File.WriteAllTextAsync(Path.Combine(dbDir, "lsa_init.xml"), $"""
            <config xmlns="http://tail-f.com/ns/config/1.0">
              <cluster xmlns="http://tail-f.com/ns/ncs">
                {remoteNodes}
                <device-notifications><enabled>true</enabled></device-notifications>
                <commit-queue><enabled>true</enabled></commit-queue>
              </cluster>
              <devices xmlns="http://tail-f.com/ns/ncs">{devices}</devices>
            </config>
            """, token);
        var conf = await File.ReadAllTextAsync(_upperRun.ConfPath, token);
        await File.WriteAllTextAsync(_upperRun.ConfPath, conf.Replace("<cdb><db-dir>./ncs-cdb</db-dir></cdb>", "<cdb><db-dir>./ncs-cdb</db-dir><init-path><dir>${NCS_DIR}/var/ncs/cdb</dir></init-path></cdb>", StringComparison.Ordinal), token);
        var installation = Path.GetDirectoryName(Path.GetFullPath(NsoSimProcess.Apphost))!;
        _upper = await SimDaemon.StartAsync(_upperRun, new SimDaemonOptions { Environment = new Dictionary<string, string> { ["NCS_DIR"] = installation } }, token);
    }

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

    private static void Ok(XElement reply) => Assert.True(reply.Element(XName.Get("ok", Base)) is not null, reply.ToString());

    private XElement RunningOfUpper()
    {
        using var client = Netconf(_upperRun.NetconfPort);
        return Rpc(client, "<get-config><source><running/></source></get-config>");
    }

    private static XElement DeviceConfig(XElement running, string name) =>
        running.Descendants(Ncs + "device").Single(d => d.Element(Ncs + "name")?.Value == name).Element(Ncs + "config") ?? new XElement(Ncs + "config");

    private string Cli(string command)
    {
        using var client = new SshClient("127.0.0.1", _upperRun.CliPort, "admin", "admin");
        client.Connect();
        using var run = client.RunCommand(command);
        return run.Result + run.Error;
    }
}

using System.Xml.Linq;
using Renci.SshNet;

namespace NsoDev.Simulator.Tests.Netsim;

/// <summary>
/// Onboarding as `ncs-setup --netsim-dir` sets it up, all on the simulator: a netsim network, its
/// ncs-xml-init data as the instance's init file, and an instance whose stock cdb/init-path names
/// <c>${NCS_DIR}/var/ncs/cdb</c>, NSO's factory defaults with the <c>default</c> authgroup the init data
/// names. Then <c>devices sync-from</c> with no other step copies each device's configuration.
/// </summary>
[Collection(Processes.RealProcesses.Name)]
public sealed class NetsimOnboardingProcessTests : IAsyncLifetime
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly XNamespace Router = NetsimTestNetwork.RouterNamespace;
    private readonly NetsimTestNetwork _net = new();
    private readonly SimRunDirectory _run = new();
    private SimDaemon? _instance;

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        await _net.MustAsync(["create-network", NetsimTestNetwork.Package, "2", "ex"], token);
        await _net.MustAsync(["start"], token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_instance is not null)
        {
            await _instance.DisposeAsync();
        }

        await _net.DisposeAsync();
        _run.Dispose();
    }

    [Fact(Timeout = 90_000)]
    public async Task Sync_from_right_after_the_first_start_brings_every_netsim_devices_configuration_into_the_instance()
    {
        var token = TestContext.Current.CancellationToken;
        var init = await _net.MustAsync(["ncs-xml-init"], token);
        Directory.CreateDirectory(Path.Combine(_run.Path, "ncs-cdb"));
        await File.WriteAllTextAsync(Path.Combine(_run.Path, "ncs-cdb", "netsim_devices_init.xml"), init.Stdout, token);
        var conf = await File.ReadAllTextAsync(_run.ConfPath, token);
        await File.WriteAllTextAsync(_run.ConfPath, conf.Replace("<cdb><db-dir>./ncs-cdb</db-dir></cdb>", "<cdb><db-dir>./ncs-cdb</db-dir><init-path><dir>${NCS_DIR}/var/ncs/cdb</dir></init-path></cdb>", StringComparison.Ordinal), token);
        var installation = Path.GetDirectoryName(Path.GetFullPath(NsoSimProcess.Apphost))!;
        _instance = await SimDaemon.StartAsync(_run, new SimDaemonOptions { Environment = new Dictionary<string, string> { ["NCS_DIR"] = installation } }, token);

        var synced = Cli("devices sync-from");

        Assert.Contains("sync-result {\n    device ex0\n    result true\n}", synced, StringComparison.Ordinal);
        Assert.Contains("sync-result {\n    device ex1\n    result true\n}", synced, StringComparison.Ordinal);
        var devices = RunningDevices();
        Assert.Equal(["ex0", "ex1"], devices.Elements(Ncs + "device").Select(d => d.Element(Ncs + "name")?.Value));
        foreach (var device in devices.Elements(Ncs + "device"))
        {
            Assert.Equal(
                ["eth0", "eth1", "eth2"],
                device.Element(Ncs + "config")!.Descendants(Router + "interface").Select(i => i.Element(Router + "name")?.Value));
        }

        Assert.Equal("default", devices.Element(Ncs + "authgroups")?.Element(Ncs + "group")?.Element(Ncs + "name")?.Value);
    }

    private string Cli(string command)
    {
        using var client = new SshClient("127.0.0.1", _run.CliPort, "admin", "admin");
        client.Connect();
        using var run = client.RunCommand(command);
        return run.Result + run.Error;
    }

    private XElement RunningDevices()
    {
        using var client = NetsimTestNetwork.Netconf(_run.NetconfPort);
        var reply = XElement.Parse(client.SendReceiveRpc(NetsimTestNetwork.Rpc("1", "<get-config><source><running/></source></get-config>")).OuterXml);
        return reply.Descendants(Ncs + "devices").First();
    }
}

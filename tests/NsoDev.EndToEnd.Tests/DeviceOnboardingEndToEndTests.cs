using System.Net.Sockets;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Plan;
using Renci.SshNet;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// Issue 13 end to end, on the simulator: the default AppHost's own devices (Nso:Devices), two instances
/// of three each, onboarded by NsoDev, and what an NSO developer then does with them.
/// </summary>
public sealed class DeviceOnboardingEndToEndTests : IDisposable
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly XNamespace Router = "http://example.com/router";
    private static readonly string[] Instances = ["nso-1", "nso-2"];
    private static readonly string[] DeviceNames = ["ex0", "ex1", "ex2"];
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-devices-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task Two_instances_of_three_devices_each_are_in_sync_on_their_own_ports_an_edit_reaches_the_device_and_stop_and_reset_cover_them()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=2", "--Nso:Clients=false", "--Nso:Devices=3");
        await using var app = await builder.StartHealthyAsync(cancellationToken);

        var seenPorts = new HashSet<int>();
        foreach (var instance in Instances)
        {
            // Healthy comes after onboarding: the instance already says its devices are in sync.
            var nso = app.ResourceNotifications.TryGetCurrentState(instance, out var current) ? current.Snapshot : null;
            Assert.Equal("3 of 3 in sync", nso?.Properties.Single(p => p.Name == NsoResourceProperties.Devices).Value?.ToString());
            var plan = builder.Nso(instance).RequirePlan();
            var planned = plan.Netsim!.Devices;
            Assert.Equal(DeviceNames, planned.Select(d => d.Name));

            foreach (var device in planned)
            {
                var resource = await app.ResourceNotifications.WaitForResourceAsync($"{instance}-{device.Name}", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
                Assert.Equal("in sync", resource.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.DeviceSync).Value?.ToString());
                Assert.Equal(device.NetconfPort, new Uri(resource.Snapshot.Urls.Single(u => u.Name == "netconf").Url).Port);
                Assert.True(seenPorts.Add(device.NetconfPort), $"{instance}-{device.Name}'s NETCONF port {device.NetconfPort} is another device's too");

                // The device itself answers NETCONF on its planned port, with the package's init data.
                var interfaces = Interfaces(GetConfig(device.NetconfPort));
                Assert.Equal(["eth0", "eth1", "eth2"], interfaces.Keys);
            }

            // The instance's /devices/device lists its own three, on its own devices' ports, each with
            // the configuration sync-from pulled from the device.
            var data = GetConfig(plan.PortOf(NsoPortKind.Netconf)!.Value);
            var listed = data.Descendants(Ncs + "device").Where(d => d.Parent?.Name == Ncs + "devices").ToList();
            Assert.Equal(DeviceNames, listed.Select(d => d.Element(Ncs + "name")?.Value));
            Assert.Equal(planned.Select(d => d.NetconfPort.ToString(System.Globalization.CultureInfo.InvariantCulture)), listed.Select(d => d.Element(Ncs + "port")?.Value));
            Assert.All(listed, d => Assert.Equal("10.0.0.1", d.Element(Ncs + "config")?.Descendants(Router + "ip").First().Value));
        }

        // An edit committed on nso-1 under /devices/device/ex1/config reaches device ex1, and only it.
        var nso1 = builder.Nso("nso-1").RequirePlan();
        var ex1 = nso1.Netsim!.Devices[1];
        EditConfig(nso1.PortOf(NsoPortKind.Netconf)!.Value, $"""<devices xmlns="http://tail-f.com/ns/ncs"><device><name>ex1</name><config><sys xmlns="http://example.com/router"><interfaces><interface><name>eth2</name><description>set through nso-1</description></interface></interfaces></sys></config></device></devices>""");
        Assert.Equal("set through nso-1", Interfaces(GetConfig(ex1.NetconfPort))["eth2"]);
        Assert.Null(Interfaces(GetConfig(nso1.Netsim.Devices[0].NetconfPort))["eth2"]);

        // Stop covers the devices: their ports close with the instance; Start brings them back in sync.
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        Assert.True((await commands.ExecuteCommandAsync("nso-1", "nso-stop", cancellationToken)).Success);
        await app.ResourceNotifications.WaitForResourceAsync("nso-1-ex1", e => e.Snapshot.State?.Text == KnownResourceStates.Finished, cancellationToken);
        Assert.False(Listens(ex1.NetconfPort), $"Device ex1 of nso-1 still listens on {ex1.NetconfPort} after the instance stopped");
        Assert.True(Listens(builder.Nso("nso-2").RequirePlan().Netsim!.Devices[1].NetconfPort), "nso-2's devices stopped with nso-1");

        // Reset covers them too: the device's own data goes back to its init data, and NSO's copy with it.
        Assert.True((await commands.ExecuteCommandAsync("nso-1", "nso-reset", cancellationToken)).Success);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("nso-1", cancellationToken);
        Assert.Null(Interfaces(GetConfig(ex1.NetconfPort))["eth2"]);
        Assert.True(app.ResourceNotifications.TryGetCurrentState("nso-1", out var reset));
        Assert.Equal("3 of 3 in sync", reset.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.Devices).Value?.ToString());
        var synced = GetConfig(nso1.PortOf(NsoPortKind.Netconf)!.Value).Descendants(Ncs + "device").Single(d => d.Element(Ncs + "name")?.Value == "ex1");
        Assert.DoesNotContain("set through nso-1", synced.ToString(), StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task Devices_a_killed_app_host_left_running_are_stopped_on_the_next_run_which_onboards_its_own()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // Disposed at the end only: its clean-up would kill what the next run must find.
        await using var appHost = AppHostRun.StartProcess(_runRoot, "--Nso:Count=1", "--Nso:Clients=false", "--Nso:Devices=2");
        await appHost.WaitUntilStartedAsync("nso-1", cancellationToken);
        var killedDevices = await DevicePidsAsync(appHost, 2, cancellationToken);
        await appHost.KillAsync(cancellationToken);

        // SIGKILL reaches no device: they are daemons of their own, as ConfD's netsim devices are.
        Assert.All(killedDevices, pid => Assert.True(ProcessTable.IsAlive(pid), $"device daemon {pid} died with the app host"));

        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=1", "--Nso:Clients=false", "--Nso:Devices=2");
        await using var app = await builder.StartHealthyAsync(cancellationToken);

        Assert.All(killedDevices, pid => Assert.False(ProcessTable.IsAlive(pid), $"device daemon {pid}, left by the killed app host, still runs"));
        Assert.True(app.ResourceNotifications.TryGetCurrentState("nso-1", out var nso));
        Assert.Equal("2 of 2 in sync", nso.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.Devices).Value?.ToString());
    }

    private static async Task<int[]> DevicePidsAsync(AppHostProcess appHost, int count, CancellationToken cancellationToken)
    {
        while (true)
        {
            appHost.ThrowIfExited("before its devices ran");
            var devices = appHost.SimulatorProcesses().Where(p => p.CommandLine.Contains(" netsim-device ", StringComparison.Ordinal)).Select(p => p.Pid).ToArray();
            if (devices.Length == count)
            {
                return devices;
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    /// <summary>Each interface of the sample router's data, with its description (null when it has none).</summary>
    private static Dictionary<string, string?> Interfaces(XElement data) =>
        data.Descendants(Router + "interface").Where(i => i.Parent?.Parent?.Parent?.Name.LocalName == "data")
            .ToDictionary(i => i.Element(Router + "name")!.Value, i => i.Element(Router + "description")?.Value);

    private static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static XElement GetConfig(int port)
    {
        using var client = Netconf(port);
        return XElement.Parse(client.SendReceiveRpc(Rpc("<get-config><source><running/></source></get-config>")).OuterXml);
    }

    private static void EditConfig(int port, string config)
    {
        using var client = Netconf(port);
        var reply = client.SendReceiveRpc(Rpc($"<edit-config><target><running/></target><config>{config}</config></edit-config>")).OuterXml;
        Assert.DoesNotContain("rpc-error", reply, StringComparison.Ordinal);
    }

    private static NetConfClient Netconf(int port)
    {
        var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false, OperationTimeout = TimeSpan.FromSeconds(30) };
        client.Connect();
        return client;
    }

    private static XmlDocument Rpc(string body)
    {
        var rpc = new XmlDocument();
        rpc.LoadXml($"<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">{body}</rpc>");
        return rpc;
    }
}

using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using NsoDev.Hosting.Plan;
using Renci.SshNet;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// Issue 14's LSA end to end on the simulator: the default AppHost with <c>--Nso:Lsa:LowerNodes=2</c> and two
/// devices on each lower node. The upper node shows both remote nodes in sync, each lower node its devices,
/// and the upper's copy of a lower node holds that node's own devices: the three layers.
/// </summary>
public sealed class LsaEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly string[] Lowers = ["lsa-lower-1", "lsa-lower-2"];
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-lsa-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task An_upper_node_with_two_lower_nodes_has_both_remote_nodes_in_sync_and_each_lower_node_s_devices_under_it()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Lsa:LowerNodes=2", "--Nso:Devices=2", "--Nso:Clients=false");
        await using var app = await builder.BuildAsync(cancellationToken);
        var started = Stopwatch.StartNew();
        await app.StartAsync(cancellationToken);
        var lsa = await app.ResourceNotifications.WaitForResourceAsync("lsa", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        output.WriteLine($"Remote nodes onboarded {started.Elapsed.TotalSeconds:0.00} s after the app host started");

        Assert.DoesNotContain(builder.Resources.OfType<NsoResource>(), r => r.Name.StartsWith("nso-", StringComparison.Ordinal));
        Assert.Equal("2 of 2 in sync", lsa.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.LsaRemoteNodes).Value?.ToString());
        foreach (var lower in Lowers)
        {
            // The parent is Running only once every lower node shows its result.
            Assert.True(app.ResourceNotifications.TryGetCurrentState(lower, out var node));
            Assert.Equal("2 of 2 in sync", node.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.Devices).Value?.ToString());
            Assert.StartsWith("in sync", node.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.LsaSync).Value?.ToString(), StringComparison.Ordinal);
        }

        // The upper's /devices: one lsa-netconf device per lower node on its NETCONF port, each holding the
        // lower node's own configuration, and in it that node's netsim devices.
        var upper = XElement.Parse(GetConfig(builder.Nso("lsa-upper").RequirePlan().PortOf(NsoPortKind.Netconf)!.Value));
        var data = upper.Descendants().First(e => e.Name.LocalName == "data");
        var devices = data.Element(Ncs + "devices")!.Elements(Ncs + "device").ToList();
        Assert.Equal(Lowers, devices.Select(d => d.Element(Ncs + "name")?.Value));
        foreach (var device in devices)
        {
            Assert.Equal(device.Element(Ncs + "name")!.Value, device.Element(Ncs + "lsa-remote-node")?.Value);
            var lowerDevices = device.Element(Ncs + "config")!.Element(Ncs + "devices")!.Elements(Ncs + "device").Select(d => d.Element(Ncs + "name")?.Value).ToList();
            Assert.Equal(["ex0", "ex1"], lowerDevices);
        }

        var remoteNodes = data.Element(Ncs + "cluster")!.Elements(Ncs + "remote-node").ToList();
        Assert.Equal(Lowers.Select(l => builder.Nso(l).RequirePlan().PortOf(NsoPortKind.Netconf)!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)), remoteNodes.Select(r => r.Element(Ncs + "port")?.Value));
    }

    private static string GetConfig(int port)
    {
        using var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false, OperationTimeout = TimeSpan.FromSeconds(30) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                client.Connect();
                break;
            }
            catch (Renci.SshNet.Common.NetConfServerException) when (attempt < 3)
            {
                // SSH.NET's hello race (NSO-NOTES §12).
            }
        }

        var rpc = new XmlDocument();
        rpc.LoadXml("<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\"><get-config><source><running/></source></get-config></rpc>");
        return client.SendReceiveRpc(rpc).OuterXml;
    }
}

using System.Net.Sockets;
using System.Text;
using System.Xml.Linq;
using Xunit;

namespace NsoDev.Testing.Tests;

/// <summary>
/// Netsim devices for real: two instances on nso-sim, each with its own network of the repository's
/// router-nc package (nso-sim netsim playing ncs-netsim), planned side by side, onboarded through the
/// init file, and stopped with the environment.
/// </summary>
public sealed class NetsimDeviceEnvironmentTests
{
    private static readonly string RouterNc = Path.Combine(RepositoryRoot.Path, "samples", "packages", "router-nc");

    [Fact(Timeout = 240_000)]
    public async Task Two_instances_devices_serve_ssh_on_their_own_planned_ports_are_in_each_init_file_and_stop_with_the_environment()
    {
        var netconf = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var env = await NsoTestEnvironment.StartAsync(
            b =>
            {
                b.AddNso("nso-1").RunAsSimulator().WithNetsimDevices(RouterNc, 3, "ex");
                b.AddNso("nso-2").RunAsSimulator().WithNetsimDevices(RouterNc, 2, "ex");
            },
            TestContext.Current.CancellationToken))
        {
            var model = (DistributedApplicationModel)env.Application.Services.GetService(typeof(DistributedApplicationModel))!;
            var devices = model.Resources.OfType<NetsimDeviceResource>().ToList();
            Assert.Equal(["nso-1-ex0", "nso-1-ex1", "nso-1-ex2", "nso-2-ex0", "nso-2-ex1"], devices.Select(d => d.Name).Order(StringComparer.Ordinal));
            foreach (var device in devices)
            {
                using var running = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
                running.CancelAfter(TimeSpan.FromSeconds(60));
                await env.Application.ResourceNotifications.WaitForResourceAsync(device.Name, KnownResourceStates.Running, running.Token);
                netconf[device.Name] = device.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == NetsimDeviceResource.NetconfEndpointName).AllocatedEndpoint!.Port;
                Assert.StartsWith("SSH-2.0-", await BannerAsync(netconf[device.Name]), StringComparison.Ordinal);
            }

            Assert.Equal(netconf.Count, netconf.Values.Distinct().Count());
            foreach (var (instance, count) in new[] { ("nso-1", 3), ("nso-2", 2) })
            {
                var init = XDocument.Load(Path.Combine(env[instance].RunDirectory, "ncs-cdb", "netsim_devices_init.xml"));
                XNamespace ncs = "http://tail-f.com/ns/ncs";
                var listed = init.Root!.Elements(ncs + "device").Select(d => (Name: d.Element(ncs + "name")!.Value, Port: int.Parse(d.Element(ncs + "port")!.Value, System.Globalization.CultureInfo.InvariantCulture))).ToList();
                Assert.Equal(Enumerable.Range(0, count).Select(i => ($"ex{i}", netconf[$"{instance}-ex{i}"])), listed);
            }
        }

        foreach (var (name, port) in netconf)
        {
            await Assert.ThrowsAsync<SocketException>(() => BannerAsync(port));
        }
    }

    /// <summary>The first line the server at <paramref name="port"/> sends: an SSH server's version line.</summary>
    private static async Task<string> BannerAsync(int port)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, TestContext.Current.CancellationToken);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await reader.ReadLineAsync(timeout.Token) ?? string.Empty;
    }
}

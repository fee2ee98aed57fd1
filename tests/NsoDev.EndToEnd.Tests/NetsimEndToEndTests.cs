using System.Net.Sockets;
using System.Text;

namespace NsoDev.EndToEnd.Tests;

/// <summary>The default AppHost with devices from configuration, Nso:Instances:NAME:Netsim:N, on the simulator.</summary>
public sealed class NetsimEndToEndTests : IDisposable
{
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-netsim-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 240_000)]
    public async Task Devices_declared_in_configuration_run_as_children_of_their_instance_and_serve_ssh_on_their_planned_ports()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var package = Path.Combine(RepositoryRoot.Path, "samples", "packages", "router-nc");
        var builder = await AppHostRun.CreateAsync(
            _runRoot,
            cancellationToken,
            "--Nso:Count=1",
            "--Nso:Clients=false",
            $"--Nso:Instances:nso-1:Netsim:0:Package={package}",
            "--Nso:Instances:nso-1:Netsim:0:Count=2",
            "--Nso:Instances:nso-1:Netsim:0:Prefix=ex");

        await using var app = await builder.StartHealthyAsync(cancellationToken, "nso-1");

        foreach (var name in new[] { "nso-1-ex0", "nso-1-ex1" })
        {
            var running = await app.ResourceNotifications.WaitForResourceAsync(name, e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
            Assert.Equal("nso-1", running.Snapshot.Properties.Single(p => p.Name == "resource.parentName").Value?.ToString());
            var netconf = running.Snapshot.Urls.Single(u => u.Name == "netconf");
            Assert.StartsWith("SSH-2.0-", await BannerAsync(new Uri(netconf.Url).Port, cancellationToken), StringComparison.Ordinal);
        }

        var nso = await app.ResourceNotifications.WaitForResourceAsync("nso-1", e => e.Snapshot.Properties.Any(p => p.Name == "nso.devices"), cancellationToken);
        Assert.Equal("2 of 2 in sync", nso.Snapshot.Properties.Single(p => p.Name == "nso.devices").Value?.ToString());
    }

    private static async Task<string> BannerAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port, cancellationToken);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        return await reader.ReadLineAsync(timeout.Token) ?? string.Empty;
    }
}

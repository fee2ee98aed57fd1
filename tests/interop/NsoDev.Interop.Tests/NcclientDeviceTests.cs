using System.Globalization;
using Aspire.Hosting.Testing;
using CliWrap;
using CliWrap.Buffered;

namespace NsoDev.Interop.Tests;

/// <summary>
/// Debian's python3-ncclient against the netsim devices of the default AppHost as `dotnet run` brings it
/// up: two instances with their three default devices each (samples/packages/router-nc on the
/// simulator), each device on the NETCONF port its device resource's <c>netconf</c> URL shows.
/// </summary>
public sealed class NcclientDeviceTests(ITestOutputHelper output) : IDisposable
{
    private static readonly string[] Devices = ["nso-1-ex0", "nso-1-ex1", "nso-1-ex2", "nso-2-ex0", "nso-2-ex1", "nso-2-ex2"];

    private const string Seeded = "seeded eth0 uplink 10.0.0.1 dns 10.0.0.53 ntp 10.0.0.123";

    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-interop-devices-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 240_000)]
    public async Task Ncclient_reads_every_devices_seeded_data_and_an_edit_on_one_device_shows_there_alone()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromMinutes(3.5));
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AppHost>(
            [
                $"--Nso:RunRoot={_runRoot}",
                "--Nso:Count=2",
                "--Nso:Clients=false",
                "--Nso:Devices=3",
            ],
            (options, _) => options.DisableDashboard = true,
            deadline.Token);
        await using var app = await builder.BuildAsync(deadline.Token);
        await app.StartAsync(deadline.Token);

        var ports = new Dictionary<string, int>();
        foreach (var device in Devices)
        {
            var running = await app.ResourceNotifications.WaitForResourceAsync(device, e => e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.Urls.Any(u => u.Name == "netconf" && !u.IsInactive), deadline.Token);
            var netconf = new Uri(running.Snapshot.Urls.Single(u => u.Name == "netconf").Url);
            Assert.Equal("127.0.0.1", netconf.Host);
            ports[device] = netconf.Port;
        }

        Assert.Equal(Devices.Length, ports.Values.Distinct().Count());
        foreach (var device in Devices)
        {
            Assert.Equal(["hello base:1.1", Seeded, "eth2 -"], await NcclientAsync(device, ports[device], [], deadline.Token));
        }

        var value = $"set by ncclient {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        Assert.Equal(["hello base:1.1", Seeded, "eth2 -", $"edited eth2 {value}"], await NcclientAsync(Devices[1], ports[Devices[1]], ["--edit", value], deadline.Token));

        // A new session reads the edit back on that device; the others keep their own data.
        foreach (var device in Devices)
        {
            var eth2 = device == Devices[1] ? $"eth2 {value}" : "eth2 -";
            Assert.Equal(["hello base:1.1", Seeded, eth2], await NcclientAsync(device, ports[device], [], deadline.Token));
        }

        await app.StopAsync(deadline.Token);
    }

    private async Task<string[]> NcclientAsync(string device, int port, string[] arguments, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(60));
        var result = await Cli.Wrap("/usr/bin/python3")
            .WithArguments([Path.Combine(AppContext.BaseDirectory, "ncclient_device.py"), port.ToString(CultureInfo.InvariantCulture), .. arguments])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(limit.Token);
        output.WriteLine($"{device} (port {port}) {string.Join(' ', arguments)}: exit {result.ExitCode}\n{result.StandardOutput}{result.StandardError}");
        Assert.True(result.ExitCode == 0, $"ncclient against {device} on port {port} failed: {result.StandardError}");
        return result.StandardOutput.Trim().Split('\n');
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using NsoDev.Simulator.HaRaft.Transport.Epmd;

namespace NsoDev.Simulator.Tests.HaRaft.Transport;

/// <summary>The <c>nso-sim epmd</c> process: serving, <c>-names</c>, a second one on a taken port, and the detached start a node makes.</summary>
public sealed class EpmdProcessTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    [Fact(Timeout = 120_000)]
    public async Task Nso_sim_epmd_registers_a_node_for_as_long_as_its_connection_lasts_and_lists_it_with_names()
    {
        var port = FreePorts.One();
        var portText = port.ToString(CultureInfo.InvariantCulture);
        await using var epmd = NsoSimProcess.Start(["epmd", "-port", portText]);
        Assert.True(await epmd.WaitForStdoutAsync(EpmdLauncher.ListeningLine, Startup, TestContext.Current.CancellationToken), epmd.Output);
        Assert.Contains($"{EpmdLauncher.ListeningLine}127.0.0.1:{port} (pid {epmd.Id})", epmd.Stdout, StringComparison.Ordinal);
        var endPoint = new IPEndPoint(IPAddress.Loopback, port);

        var registration = await EpmdClient.RegisterAsync(endPoint, EpmdNode.Normal("ncsd7", 4391), TestContext.Current.CancellationToken);
        var found = await EpmdClient.PortPleaseAsync(endPoint, "ncsd7", TestContext.Current.CancellationToken);
        var twice = await Assert.ThrowsAsync<EpmdRefusedException>(
            () => EpmdClient.RegisterAsync(endPoint, EpmdNode.Normal("ncsd7", 4392), TestContext.Current.CancellationToken));
        var names = await NsoSimProcess.RunAsync(["epmd", "-names", "-port", portText], cancellationToken: TestContext.Current.CancellationToken);
        await registration.DisposeAsync();
        var after = await NsoSimProcess.RunAsync(["epmd", "-names"], new Dictionary<string, string> { ["ERL_EPMD_PORT"] = portText }, TestContext.Current.CancellationToken);

        Assert.Equal(4391, found?.Port);
        Assert.Equal("ncsd7", twice.Name);
        Assert.Equal(0, names.ExitCode);
        Assert.Equal($"epmd: up and running on port {port} with data:\nname ncsd7 at port 4391\n", names.Stdout);
        Assert.Equal(0, after.ExitCode);
        Assert.Equal($"epmd: up and running on port {port} with data:\n", after.Stdout);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_second_nso_sim_epmd_on_a_taken_port_exits_saying_an_epmd_may_run_there()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port.ToString(CultureInfo.InvariantCulture);

        var second = await NsoSimProcess.RunAsync(["epmd", "-port", port], cancellationToken: TestContext.Current.CancellationToken);
        var names = await NsoSimProcess.RunAsync(["epmd", "-names", "-port", FreePorts.One().ToString(CultureInfo.InvariantCulture)], cancellationToken: TestContext.Current.CancellationToken);
        var usage = await NsoSimProcess.RunAsync(["epmd", "-port", "many"], cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"epmd: port {port} on 127.0.0.1 is in use, most likely by an epmd that runs already", second.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, names.ExitCode);
        Assert.Equal("epmd: Cannot connect to local epmd\n", names.Stderr);
        Assert.Equal(1, usage.ExitCode);
        Assert.Contains(EpmdCommand.Usage, usage.Stderr, StringComparison.Ordinal);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_detached_nso_sim_epmd_outlives_its_starter_and_exits_once_idle()
    {
        var port = FreePorts.One();
        var pid = await EpmdLauncher.StartDetachedAsync(NsoSimProcess.Apphost, [], port, TimeSpan.FromSeconds(2), TestContext.Current.CancellationToken);
        Assert.NotNull(pid);
        try
        {
            using var epmd = Process.GetProcessById(pid.Value);
            var endPoint = new IPEndPoint(IPAddress.Loopback, port);
            await using (await EpmdClient.RegisterAsync(endPoint, EpmdNode.Normal("ncsd1", 4370), TestContext.Current.CancellationToken))
            {
                // Registered for longer than the idle time: epmd stays.
                await Task.Delay(TimeSpan.FromSeconds(3), TestContext.Current.CancellationToken);
                Assert.False(epmd.HasExited);
                Assert.Equal([("ncsd1", 4370)], (await EpmdClient.NamesAsync(endPoint, TestContext.Current.CancellationToken)).Nodes);
            }

            using var limit = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(20));
            await epmd.WaitForExitAsync(limit.Token);
            await Assert.ThrowsAsync<SocketException>(() => EpmdClient.NamesAsync(endPoint, TestContext.Current.CancellationToken));
        }
        finally
        {
            KillIfRunning(pid.Value);
        }
    }

    private static void KillIfRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // Exited already.
        }
    }
}

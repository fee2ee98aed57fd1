using System.Net;
using System.Net.Sockets;
using NsoDev.Ipc;
using Xunit;

namespace NsoDev.Testing.Tests.SideBySide;

/// <summary>
/// One side of two environments started at the same time by two test classes in different xunit
/// collections: each with a TCP instance "a" and a Unix-socket instance "b" on nso-sim.
/// </summary>
internal static class SideBySideScenario
{
    /// <summary>A test's Timeout: the partner wait, one start and the stops.</summary>
    public const int TestTimeout = 420_000;

    public static async Task RunAsync(string self, string partner, CancellationToken testCancelled)
    {
        // Ends 20 s before the test's timeout, so that the environment is disposed within it.
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(testCancelled);
        cts.CancelAfter(TimeSpan.FromMilliseconds(TestTimeout) - TimeSpan.FromSeconds(20));
        NsoTestEnvironment environment;
        try
        {
            environment = await NsoTestEnvironment.StartAsync(
                b =>
                {
                    b.AddNso("a").RunAsSimulator();
                    b.AddNso("b").RunAsSimulator().WithUnixSocketIpc();
                },
                cts.Token);
        }
        catch (Exception ex)
        {
            SideBySideRegistry.PublishFailure(self, ex);
            throw;
        }

        PlannedResources mine;
        string lease;
        try
        {
            // Publish, then wait for the partner, before asserting anything: neither side disposes
            // its environment until both have run at once.
            mine = PlannedResources.Of(self, environment);
            SideBySideRegistry.Publish(mine);
            var other = await SideBySideRegistry.WaitForAsync(partner, cts.Token);

            AssertDisjoint(mine, other);
            await AssertHeldWhileRunningAsync(environment, mine, cts.Token);
            lease = AssertLeasedWhileRunning(mine);
        }
        finally
        {
            await environment.DisposeAsync();
        }

        AssertNothingLeftAfterDispose(environment, mine, lease);
    }

    private static void AssertDisjoint(PlannedResources mine, PlannedResources other)
    {
        // Non-vacuous, and nothing planned twice inside one environment: "a" has IPC, NETCONF and CLI
        // ports, "b" NETCONF and CLI; the paths are b's socket and both runtime directories.
        Assert.Equal(5, mine.Ports.Count);
        Assert.Equal(3, mine.Paths.Count);
        Assert.Equal(5, other.Ports.Count);

        var ports = mine.Ports.Intersect(other.Ports).Order().ToList();
        Assert.True(ports.Count == 0, $"Two environments ran at the same time and were both planned port(s) {string.Join(", ", ports)}.\n{mine.Describe()}\n{other.Describe()}");
        var paths = mine.Paths.Intersect(other.Paths, StringComparer.Ordinal).ToList();
        Assert.True(paths.Count == 0, $"Two environments ran at the same time and were both planned {string.Join(", ", paths)}.\n{mine.Describe()}\n{other.Describe()}");
        Assert.NotEqual(mine.RunRoot, other.RunRoot);
    }

    private static async Task AssertHeldWhileRunningAsync(NsoTestEnvironment environment, PlannedResources mine, CancellationToken cancellationToken)
    {
        var a = environment["a"];
        var b = environment["b"];

        // What a client gets: exactly the variables of its IPC mode.
        var tcp = Assert.IsType<NsoIpcEndpoint.Tcp>(a.Ipc);
        Assert.Equal(new Dictionary<string, string> { ["NCS_IPC_ADDR"] = "127.0.0.1", ["NCS_IPC_PORT"] = tcp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) }, a.Environment);
        var unix = Assert.IsType<NsoIpcEndpoint.UnixSocket>(b.Ipc);
        Assert.Equal(new Dictionary<string, string> { ["NCS_IPC_PATH"] = unix.Path }, b.Environment);

        // Every planned TCP port is really held by this environment's daemons: nobody else can bind it.
        foreach (var port in mine.Ports)
        {
            using var probe = new TcpListener(IPAddress.Loopback, port);
            var error = Assert.Throws<SocketException>(probe.Start);
            Assert.Equal(SocketError.AddressAlreadyInUse, error.SocketErrorCode);
        }

        // And both IPC endpoints answer the preamble.
        foreach (var instance in new[] { a, b })
        {
            using var socket = await IpcPreamble.ConnectAsync(new IpcConnectOptions(instance.Ipc, NsoClientType.Maapi, new NsoRelease(6, 5)), cancellationToken);
            Assert.True(socket.Connected);
        }

        // One nso-sim daemon per instance, each in its own runtime directory under this run root.
        var daemons = ProcessTable.NsoSimWithArgumentContaining(mine.RunRoot);
        Assert.True(daemons.Count == 2, $"Expected the daemons of a and b, found: {ProcessTable.Describe(daemons)}");
        Assert.Contains(daemons, d => d.Argv.Contains(a.RunDirectory));
        Assert.Contains(daemons, d => d.Argv.Contains(b.RunDirectory));
        Assert.All(new[] { a, b }, i => Assert.Equal(mine.RunRoot, Path.GetDirectoryName(i.RunDirectory)));
        Assert.Equal("nso-sim", Path.GetFileName(a.NcsExecutable));
        Assert.Contains("Started", a.ReadLog(), StringComparison.Ordinal);
    }

    /// <summary>Exactly one of this process's leases holds this environment's ports; returns its file.</summary>
    private static string AssertLeasedWhileRunning(PlannedResources mine)
    {
        var leases = LeaseDirectory.OfThisProcess();
        var ours = leases.Where(l => l.Value.SetEquals(mine.Ports)).Select(l => l.Key).ToList();
        Assert.True(ours.Count == 1, $"Expected one lease in {LeaseDirectory.Path} with ports {string.Join(", ", mine.Ports.Order())}; this process has: {string.Join("; ", leases.Select(l => $"{Path.GetFileName(l.Key)}: {string.Join(", ", l.Value.Order())}"))}");
        return ours[0];
    }

    private static void AssertNothingLeftAfterDispose(NsoTestEnvironment environment, PlannedResources mine, string lease)
    {
        var survivors = ProcessTable.WithArgumentContaining(mine.RunRoot);
        Assert.True(survivors.Count == 0, $"Processes outlived the environment: {ProcessTable.Describe(survivors)}");
        Assert.False(Directory.Exists(mine.RunRoot), $"The run root {mine.RunRoot} is still there.");

        Assert.False(File.Exists(lease), $"The lease {lease} is still there.");
        Assert.DoesNotContain(LeaseDirectory.OfThisProcess(), l => l.Value.IsSupersetOf(mine.Ports));

        var socket = ((NsoIpcEndpoint.UnixSocket)environment["b"].Ipc).Path;
        Assert.False(File.Exists(socket), $"The IPC socket {socket} is still there.");
    }
}

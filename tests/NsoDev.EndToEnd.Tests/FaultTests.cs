using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Xml;
using System.Xml.Linq;
using CliWrap;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Plan;
using Renci.SshNet;

namespace NsoDev.EndToEnd.Tests;

/// <summary>What goes wrong on a laptop, and that data written before it is still there afterwards.</summary>
public sealed class FaultTests : IDisposable
{
    private static readonly string[] TwoInstances = ["nso-1", "nso-2"];
    private static readonly XNamespace Conf = "http://tail-f.com/yang/tailf-ncs-config";
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-fault-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Fact(Timeout = 300_000)]
    public async Task After_a_kill_9_of_the_app_host_every_daemon_stops_by_itself_and_the_next_run_starts_on_the_same_ports_with_the_data()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var appHost = AppHostRun.StartProcess(_runRoot, "--Nso:Count=2");
        await appHost.WaitUntilStartedAsync("nso-1", cancellationToken);
        await appHost.WaitUntilStartedAsync("nso-2", cancellationToken);
        var pids = TwoInstances.Select(Pid).ToList();
        var netconf = NetconfPort("nso-1");
        EditConfig(netconf, "survivor");
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=2");
        await using var next = await builder.BuildAsync(cancellationToken);

        await appHost.KillAsync(cancellationToken);

        // EOF on stdin (the app host's end of the pipe is gone) stops each daemon, cleanly.
        while (pids.Any(ProcessTable.IsAlive))
        {
            await Task.Delay(100, cancellationToken);
        }

        foreach (var name in TwoInstances)
        {
            var log = Log(name);
            Assert.True(
                log.Contains("clean shutdown: EOF on stdin", StringComparison.Ordinal),
                $"{name} did not log a clean stop on EOF; the end of its ncs.log:\n{string.Join('\n', log.Split('\n').TakeLast(25))}\nthe end of the killed app host's output:\n{appHost.LogTail(40)}");
        }

        await next.StartAsync(cancellationToken);

        await next.ResourceNotifications.WaitForResourceHealthyAsync("nso-1", cancellationToken);
        Assert.Equal(netconf, builder.Nso("nso-1").RequirePlan().Ports[NsoPortKind.Netconf]);
        Assert.Contains("<name>survivor</name>", GetConfig(netconf), StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_daemon_killed_with_9_comes_back_with_the_configuration_committed_before()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var app = await AppHostRun.StartOneHealthyAsync(_runRoot, cancellationToken);
        var nso = app.Nso("nso-1");
        var netconf = nso.RequirePlan().Ports[NsoPortKind.Netconf];
        EditConfig(netconf, "before-kill");
        var pid = AppHostRun.Pid(nso);

        Process.GetProcessById(pid).Kill();
        await AppHostRun.WaitUntilBackAsync(app, nso, pid, cancellationToken);

        Assert.Contains("<name>before-kill</name>", GetConfig(netconf), StringComparison.Ordinal);
    }

    [Fact(Timeout = 300_000)]
    public async Task A_port_taken_between_two_runs_is_planned_around()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        int first;
        TcpListener squatter;
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=1");
        await using (var app = await builder.BuildAsync(cancellationToken))
        {
            await app.StartAsync(cancellationToken);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("nso-1", cancellationToken);
            first = builder.Nso("nso-1").RequirePlan().Ports[NsoPortKind.Netconf];
            squatter = new TcpListener(IPAddress.Loopback, first);

            // Stop, and take the port, under the lease lock: otherwise an environment of another test project
            // could plan the port in the moment it is free, and then fail to bind it.
            using var noPorts = PortLeases.ForCurrentUser().Plan(_ =>
            {
                Task.Run(() => app.StopAsync(cancellationToken)).GetAwaiter().GetResult();
                squatter.Start();
                return [];
            });
        }

        using var held = squatter;
        var again = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=1");
        await using var next = await again.StartHealthyAsync(cancellationToken, "nso-1");

        Assert.NotEqual(first, again.Nso("nso-1").RequirePlan().Ports[NsoPortKind.Netconf]);
    }

    [Fact(Timeout = 300_000)]
    public async Task An_instance_keeps_the_ports_of_its_last_run_across_runs()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        // Ports the scheme never plans, so no other test's app host can want them: only the run
        // directory's record can bring the instance there. The record names the web UI too, which is off.
        var recorded = RecordedPorts.Seed(Path.Combine(_runRoot, "nso-1"));

        foreach (var run in new[] { "first", "second" })
        {
            var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=1", "--Nso:Clients=false");
            await using var app = await builder.StartHealthyAsync(cancellationToken, "nso-1");

            var ports = builder.Nso("nso-1").RequirePlan().Ports;
            foreach (var kind in new[] { NsoPortKind.Ipc, NsoPortKind.Netconf, NsoPortKind.Cli })
            {
                Assert.True(recorded[kind] == ports[kind], $"The {run} run did not keep {kind} port {recorded[kind]}: it planned {ports[kind]}.");
                Assert.False(IsFree(ports[kind]), $"Nothing listens on {ports[kind]} in the {run} run.");
            }

            await app.StopAsync(cancellationToken);

            // The plan is recorded for the next run: the ports it used, not the web UI's it did not.
            Assert.Equal(ports.Ports, new RunDirectory(Path.Combine(_runRoot, "nso-1")).ReadState()!.PlannedPorts);
        }
    }

    [Fact(Timeout = 300_000)]
    public async Task A_stale_unix_socket_file_is_removed_and_the_instance_starts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var socketPath = IpcSocketPaths.Default("nso-2", Path.Combine(_runRoot, "nso-2"));
        Directory.CreateDirectory(Path.GetDirectoryName(socketPath)!);
        File.Delete(socketPath);
        // A process that bound the socket and died leaves the file behind (.NET would remove it on dispose).
        await Cli.Wrap("/usr/bin/python3").WithArguments(["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", socketPath]).ExecuteAsync(cancellationToken);

        Assert.True(File.Exists(socketPath));
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=2");
        await using var app = await builder.StartHealthyAsync(cancellationToken, "nso-2");

        Assert.Equal(socketPath, ((NsoDev.Ipc.NsoIpcEndpoint.UnixSocket)builder.Nso("nso-2").RequirePlan().Ipc).Path);
        Assert.Null(await AppHostRun.HandshakeAsync(builder.Nso("nso-2"), cancellationToken));
    }

    [Fact(Timeout = 300_000)]
    public async Task Two_app_hosts_at_once_get_disjoint_ports()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var rootA = Directory.CreateDirectory(Path.Combine(_runRoot, "a")).FullName;
        var rootB = Directory.CreateDirectory(Path.Combine(_runRoot, "b")).FullName;
        var a = await AppHostRun.CreateAsync(rootA, cancellationToken, "--Nso:Count=3");
        var b = await AppHostRun.CreateAsync(rootB, cancellationToken, "--Nso:Count=3");
        await using var appA = await a.BuildAsync(cancellationToken);
        await using var appB = await b.BuildAsync(cancellationToken);

        await Task.WhenAll(appA.StartAsync(cancellationToken), appB.StartAsync(cancellationToken));
        await Task.WhenAll(
            new[] { (appA, "nso-1"), (appA, "nso-2"), (appA, "nso-3"), (appB, "nso-1"), (appB, "nso-2"), (appB, "nso-3") }
                .Select(x => x.Item1.ResourceNotifications.WaitForResourceHealthyAsync(x.Item2, cancellationToken)));

        var portsA = a.Resources.OfType<NsoResource>().SelectMany(r => r.RequirePlan().Ports.Ports.Values).ToHashSet();
        var portsB = b.Resources.OfType<NsoResource>().SelectMany(r => r.RequirePlan().Ports.Ports.Values).ToHashSet();
        Assert.Empty(portsA.Intersect(portsB));
    }

    [Fact(Timeout = 300_000)]
    public async Task An_app_host_in_another_process_leases_its_ports_until_it_dies_and_a_planner_here_plans_around_them()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var leases = PortLeases.ForCurrentUser();

        // Disposed last, it kills whatever daemon of the killed app host still runs, so none holds a port afterwards.
        await using var appHost = AppHostRun.StartProcess(_runRoot, "--Nso:Count=2", "--Nso:Clients=false");
        await appHost.WaitUntilStartedAsync("nso-1", cancellationToken);
        await appHost.WaitUntilStartedAsync("nso-2", cancellationToken);

        // The other process's lease: named by its pid, holding the ports its daemons listen on.
        var lease = Assert.Single(Directory.GetFiles(leases.Directory, $"{appHost.Id}-*.lease"));
        var leasedThere = File.ReadAllLines(lease).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Contains(NetconfPort("nso-1"), leasedThere);
        Assert.Contains(NetconfPort("nso-2"), leasedThere);
        Assert.All(leasedThere, port => Assert.False(IsFree(port), $"Leased port {port} is not listened on."));

        // A planner here whose probe calls every port free still avoids them: the lease alone keeps two app hosts apart.
        var requests = TwoInstances.Select(n => new InstancePortRequest(n, new Dictionary<NsoPortKind, int?> { [NsoPortKind.Ipc] = null, [NsoPortKind.Netconf] = null, [NsoPortKind.Cli] = null })).ToList();
        using (var mine = leases.Plan(leased => new PortPlanner(new EveryPortFree()).Plan(requests, leased).SelectMany(p => p.Ports.Values)))
        {
            Assert.Equal(6, mine.Ports.Count);
            Assert.Empty(mine.Ports.Intersect(leasedThere));
        }

        await appHost.KillAsync(cancellationToken);

        // Its owner is dead: the next planner ignores the lease and removes it.
        leases.ReadLiveLeases();
        Assert.False(File.Exists(lease), $"The lease of the killed app host (pid {appHost.Id}) is still there.");
    }

    [Fact(Timeout = 300_000)]
    public async Task Sixteen_simulated_instances_come_up_healthy_and_all_stop_cleanly()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Count=16");
        await using var app = await builder.BuildAsync(cancellationToken);
        await app.StartAsync(cancellationToken);
        var instances = builder.Resources.OfType<NsoResource>().ToList();
        await Task.WhenAll(instances.Select(r => app.ResourceNotifications.WaitForResourceHealthyAsync(r.Name, cancellationToken)));
        var pids = instances.Select(AppHostRun.Pid).ToList();

        await app.StopAsync(cancellationToken);

        Assert.Equal(16, instances.Count);
        Assert.DoesNotContain(pids, ProcessTable.IsAlive);
        Assert.All(instances, r => Assert.Contains("clean shutdown", File.ReadAllText(Path.Combine(r.RequirePlan().RunDirectory.LogsDirectory, "ncs.log")), StringComparison.Ordinal));
    }

    private int Pid(string name) => new RunDirectory(Path.Combine(_runRoot, name)).ReadState()?.Pid ?? throw new InvalidOperationException($"{name} records no running daemon.");

    private string Log(string name) => File.ReadAllText(Path.Combine(_runRoot, name, "logs", "ncs.log"));

    private int NetconfPort(string name) =>
        int.Parse(XDocument.Load(Path.Combine(_runRoot, name, "ncs.conf")).Root!.Element(Conf + "netconf-north-bound")!.Element(Conf + "transport")!.Element(Conf + "ssh")!.Element(Conf + "port")!.Value, CultureInfo.InvariantCulture);

    private static void EditConfig(int port, string device)
    {
        using var client = Netconf(port);
        client.SendReceiveRpc(Rpc("1", $"""<edit-config><target><running/></target><config><devices xmlns="http://tail-f.com/ns/ncs"><device><name>{device}</name></device></devices></config></edit-config>"""));
    }

    private static string GetConfig(int port)
    {
        using var client = Netconf(port);
        return client.SendReceiveRpc(Rpc("2", "<get-config><source><running/></source></get-config>")).OuterXml;
    }

    private static NetConfClient Netconf(int port)
    {
        var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false };
        client.Connect();
        return client;
    }

    private static XmlDocument Rpc(string messageId, string body)
    {
        var document = new XmlDocument();
        document.LoadXml($"<rpc message-id=\"{messageId}\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">{body}</rpc>");
        return document;
    }

    /// <summary>The planner's own probe: nothing listens on the port, on any IPv4 address.</summary>
    private static bool IsFree(int port) => new TcpPortProbe().IsFree(port);
}

/// <summary>A probe that calls every port free, so only leases can keep a planner off a port.</summary>
internal sealed class EveryPortFree : IPortProbe
{
    public bool IsFree(int port) => true;
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using NsoDev.Ipc;
using NsoDev.Ipc.Raft;
using NsoDev.Simulator.HaRaft;
using NsoDev.Simulator.HaRaft.Transport;
using NsoDev.Simulator.HaRaft.Transport.Epmd;

namespace NsoDev.Simulator.Tests.HaRaft.Transport;

/// <summary>
/// The ≤6.6 transport (nso-sim's default release, 6.5): each node takes a port of its distribution range,
/// registers its node id with epmd, and finds its peers' ports there. Each test runs its own epmd on a free
/// port, never 4369.
/// </summary>
public sealed class RaftEpmdTransportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 60_000)]
    public async Task Two_nodes_find_each_other_through_epmd_and_exchange_requests_both_ways()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = epmd.Port };
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var two = cluster.Node(2, ports[1]);
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, one, two);

        Assert.Equal("ncsd1@127.0.0.1", one.Transport.LocalNodeName);
        var reply = await one.Transport.RequestAsync("ncsd2@127.0.0.1", RaftTestNode.Ping("to two"), Timeout, TestContext.Current.CancellationToken);
        var back = await two.Transport.RequestAsync("ncsd1@127.0.0.1", RaftTestNode.Ping("to one"), Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(("to two", "ncsd2@127.0.0.1", "ncsd1@127.0.0.1"), (reply.Fields["text"], reply.Fields["by"], reply.Fields["from"]));
        Assert.Equal(("to one", "ncsd1@127.0.0.1", "ncsd2@127.0.0.1"), (back.Fields["text"], back.Fields["by"], back.Fields["from"]));
        Assert.Equal(["ncsd2@127.0.0.1"], one.Transport.ConnectedNodes);
        Assert.Equal(["ncsd1@127.0.0.1"], two.Transport.ConnectedNodes);
    }

    [Fact(Timeout = 60_000)]
    public async Task Three_nodes_reach_each_other_and_epmd_names_lists_each_node_at_its_port()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = epmd.Port };
        var ports = FreePorts.Take(3);
        RaftTestNode[] nodes = [cluster.Node(1, ports[0]), cluster.Node(2, ports[1]), cluster.Node(3, ports[2])];
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, nodes);

        foreach (var sender in nodes)
        {
            foreach (var receiver in nodes.Where(n => n != sender))
            {
                var reply = await sender.Transport.RequestAsync(receiver.Name, RaftTestNode.Ping(sender.Name), Timeout, TestContext.Current.CancellationToken);
                Assert.Equal((sender.Name, receiver.Name), (reply.Fields["text"], reply.Fields["by"]));
            }
        }

        var names = await EpmdClient.NamesAsync(new IPEndPoint(IPAddress.Loopback, epmd.Port), TestContext.Current.CancellationToken);
        Assert.Equal(epmd.Port, names.EpmdPort);
        Assert.Equal([("ncsd1", ports[0]), ("ncsd2", ports[1]), ("ncsd3", ports[2])], names.Nodes);
        Assert.All(nodes, n => Assert.Equal(2, n.Transport.ConnectedNodes.Count));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_node_takes_the_first_free_port_of_its_range_and_epmd_gives_peers_that_port()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = epmd.Port };
        var first = ConsecutiveFreePorts(2);
        using var holder = new TcpListener(IPAddress.Loopback, first);
        holder.Start();
        var one = cluster.Node(1, 0, range: (first, first + 1));
        var two = cluster.Node(2, FreePorts.One());
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, one, two);

        var reply = await two.Transport.RequestAsync(one.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(first + 1, one.Transport.ListenEndPoint!.Port);
        Assert.Equal(one.Name, reply.Fields["by"]);
        Assert.Contains(epmd.Nodes, n => n is { Name: "ncsd1" } && n.Port == first + 1);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_range_with_every_port_taken_fails_the_start_naming_the_range_and_the_leaves()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = epmd.Port };
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var node = cluster.Node(1, port);

        var busy = await Assert.ThrowsAsync<RaftTransportException>(() => node.Transport.StartAsync(node.Echo, TestContext.Current.CancellationToken));

        Assert.Contains($"127.0.0.1 port {port}", busy.Message, StringComparison.Ordinal);
        Assert.Contains("/ncs-config/ha-raft/listen/min-port and max-port", busy.Message, StringComparison.Ordinal);
        Assert.Contains("widen the range", busy.Message, StringComparison.Ordinal);
        Assert.Empty(epmd.Nodes);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_second_node_with_a_registered_node_id_fails_to_start_until_the_first_stops()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = epmd.Port };
        var ports = FreePorts.Take(3);
        var first = cluster.Node(1, ports[0]);
        var twin = cluster.Node(1, ports[1]);
        await first.Transport.StartAsync(first.Echo, TestContext.Current.CancellationToken);

        var refused = await Assert.ThrowsAsync<RaftTransportException>(() => twin.Transport.StartAsync(twin.Echo, TestContext.Current.CancellationToken));

        Assert.Contains($"epmd on 127.0.0.1:{epmd.Port} refused to register the node id 'ncsd1' of ncsd1@127.0.0.1", refused.Message, StringComparison.Ordinal);
        Assert.Contains("/ncs-config/ha-raft/listen/node-address", refused.Message, StringComparison.Ordinal);
        Assert.Contains("or stop the node that holds 'ncsd1'", refused.Message, StringComparison.Ordinal);
        using (var probe = new TcpListener(IPAddress.Loopback, ports[1]))
        {
            // The refused node let its distribution port go again.
            probe.Start();
        }

        // The name is the first node's only while its connection to epmd lasts.
        await first.Transport.DisposeAsync();
        var third = cluster.Node(1, ports[2]);
        await WaitUntilAsync(() => epmd.Nodes.Count == 0);
        await third.Transport.StartAsync(third.Echo, TestContext.Current.CancellationToken);
        Assert.Equal([("ncsd1", ports[2])], epmd.Nodes.Select(n => (n.Name, n.Port)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stopped_node_leaves_epmd_and_requests_to_it_fail_fast_saying_it_is_not_registered()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = epmd.Port };
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var two = cluster.Node(2, ports[1]);
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, one, two);
        await one.Transport.RequestAsync(two.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken);

        await two.Transport.DisposeAsync();
        var clock = Stopwatch.StartNew();
        await WaitUntilAsync(() => one.Transport.ConnectedNodes.Count == 0 && epmd.Nodes.Count == 1);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));

        clock.Restart();
        var gone = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => one.Transport.RequestAsync(two.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Contains($"epmd on 127.0.0.1:{epmd.Port} has no node 'ncsd2' registered", gone.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Up_to_6_6_a_certificate_with_the_ip_only_as_an_ipaddress_san_is_refused_on_both_ends()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = epmd.Port };
        var ports = FreePorts.Take(2);
        // Made for 6.7, which matches an IP against iPAddress SANs: no DNS:127.0.0.1.
        var ipOnly = cluster.Issue("ncsd2@127.0.0.1", new NsoRelease(6, 7));
        var good = cluster.Node(1, ports[0]);
        var bad = cluster.Node(2, ports[1], ipOnly);
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, good, bad);
        var reason = RaftTlsPeerVerifier.Refusal(ipOnly, cluster.Authority, bad.Name, cluster.Release.Release, DateTimeOffset.UtcNow);
        Assert.NotNull(reason);
        Assert.Contains("only as an iPAddress SAN", reason, StringComparison.Ordinal);

        var dialling = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => good.Transport.RequestAsync(bad.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));
        var dialled = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => bad.Transport.RequestAsync(good.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));

        Assert.Equal($"This node refused {bad.Name}: {reason}.", dialling.Message);
        Assert.Equal($"{good.Name} refused this node: {reason}.", dialled.Message);
        Assert.Equal(2, good.Log.Count(l => l.StartsWith($"refused {bad.Name} (127.0.0.1:", StringComparison.Ordinal) && l.EndsWith(reason, StringComparison.Ordinal)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_node_that_finds_no_epmd_starts_one_and_registers_with_it()
    {
        var port = FreePorts.One();
        await using var epmdHolder = new StartedEpmd();
        await using var cluster = new RaftTestCluster("6.5")
        {
            EpmdPort = port,
            StartEpmd = epmdHolder.StartAsync,
        };
        var node = cluster.Node(1, FreePorts.One());

        await node.Transport.StartAsync(node.Echo, TestContext.Current.CancellationToken);

        Assert.Equal([port], epmdHolder.Ports);
        Assert.Contains($"no epmd answers on 127.0.0.1:{port}; starting nso-sim epmd there", node.LogText, StringComparison.Ordinal);
        var names = await EpmdClient.NamesAsync(new IPEndPoint(IPAddress.Loopback, port), TestContext.Current.CancellationToken);
        Assert.Equal([("ncsd1", node.Transport.ListenEndPoint!.Port)], names.Nodes);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_node_whose_epmd_goes_away_registers_again_with_a_new_one()
    {
        var port = FreePorts.One();
        await using var epmdHolder = new StartedEpmd();
        await using var cluster = new RaftTestCluster("6.5")
        {
            EpmdPort = port,
            StartEpmd = epmdHolder.StartAsync,
        };
        var node = cluster.Node(1, FreePorts.One());
        await node.Transport.StartAsync(node.Echo, TestContext.Current.CancellationToken);

        await epmdHolder.StopAllAsync();
        await WaitUntilAsync(() => epmdHolder.Ports.Count == 2 && epmdHolder.Latest!.Nodes.Count == 1);

        Assert.Equal([("ncsd1", node.Transport.ListenEndPoint!.Port)], epmdHolder.Latest!.Nodes.Select(n => (n.Name, n.Port)));
        Assert.Contains("ncsd1@127.0.0.1 lost its registration with epmd", node.LogText, StringComparison.Ordinal);
        Assert.Contains("ncsd1@127.0.0.1 registered as 'ncsd1' with epmd", node.LogText, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Something_other_than_epmd_on_the_epmd_port_fails_the_start_instead_of_hanging_it()
    {
        // Accepts (in the kernel's backlog) and never answers.
        using var mute = new TcpListener(IPAddress.Loopback, 0);
        mute.Start();
        await using var cluster = new RaftTestCluster("6.5") { EpmdPort = ((IPEndPoint)mute.LocalEndpoint).Port };
        var node = cluster.Node(1, FreePorts.One());
        var clock = Stopwatch.StartNew();

        var refused = await Assert.ThrowsAsync<RaftTransportException>(() => node.Transport.StartAsync(node.Echo, TestContext.Current.CancellationToken));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(15));
        Assert.Contains("did not answer ALIVE2_REQ within 5 s, so it is not epmd", refused.Message, StringComparison.Ordinal);
        Assert.Contains(RaftTransportSettings.EpmdPortVariable, refused.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Epmd_answers_an_old_node_with_alive2_resp_and_unknown_names_with_an_error()
    {
        await using var epmd = EpmdServer.Start(0, TimeProvider.System, EpmdServer.DefaultIdleExit);
        var endPoint = new IPEndPoint(IPAddress.Loopback, epmd.Port);
        var old = EpmdNode.Normal("old", 4242) with { HighestVersion = 5, LowestVersion = 5, Extra = [1, 2, 3] };

        await using var registration = await EpmdClient.RegisterAsync(endPoint, old, TestContext.Current.CancellationToken);
        var found = await EpmdClient.PortPleaseAsync(endPoint, "old", TestContext.Current.CancellationToken);
        var missing = await EpmdClient.PortPleaseAsync(endPoint, "nobody", TestContext.Current.CancellationToken);

        Assert.InRange(registration.Creation, 1u, 3u);
        Assert.NotNull(found);
        Assert.Equal((4242, (ushort)5, (ushort)5, EpmdProtocol.NormalNode), (found.Port, found.HighestVersion, found.LowestVersion, found.NodeType));
        Assert.Equal([1, 2, 3], found.Extra);
        Assert.Null(missing);
    }

    [Fact(Timeout = 60_000)]
    public async Task Epmd_is_idle_only_after_the_idle_time_passes_with_no_name_registered()
    {
        var time = new FakeTimeProvider();
        await using var epmd = EpmdServer.Start(0, time, TimeSpan.FromSeconds(60));
        var endPoint = new IPEndPoint(IPAddress.Loopback, epmd.Port);
        var registration = await EpmdClient.RegisterAsync(endPoint, EpmdNode.Normal("ncsd1", 4370), TestContext.Current.CancellationToken);

        await AdvanceAsync(time, TimeSpan.FromSeconds(120));
        Assert.False(epmd.Idle.IsCompleted);

        await registration.DisposeAsync();
        await WaitUntilAsync(() => epmd.Nodes.Count == 0);
        await AdvanceAsync(time, TimeSpan.FromSeconds(50));
        Assert.False(epmd.Idle.IsCompleted);
        await AdvanceAsync(time, TimeSpan.FromSeconds(15));
        await epmd.Idle.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);
    }

    private static async Task AdvanceAsync(FakeTimeProvider time, TimeSpan total)
    {
        for (var step = TimeSpan.Zero; step < total; step += TimeSpan.FromSeconds(1))
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition() && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.True(condition(), "the condition did not come true within 10 s");
    }

    /// <summary>Two consecutive ports free at once, below the kernel's ephemeral ports.</summary>
    private static int ConsecutiveFreePorts(int count)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var first = Random.Shared.Next(30000, 32767 - count);
            var listeners = new List<TcpListener>();
            try
            {
                for (var port = first; port < first + count; port++)
                {
                    var listener = new TcpListener(IPAddress.Loopback, port);
                    listeners.Add(listener);
                    listener.Start();
                }

                return first;
            }
            catch (SocketException)
            {
                // Taken; try another.
            }
            finally
            {
                listeners.ForEach(l => l.Dispose());
            }
        }

        throw new InvalidOperationException($"no {count} consecutive free ports found");
    }

    /// <summary>An in-process epmd started the way the transport asks for one, stopped with the test.</summary>
    private sealed class StartedEpmd : IAsyncDisposable
    {
        private readonly List<EpmdServer> _servers = [];

        public List<int> Ports { get; } = [];

        public EpmdServer? Latest { get; private set; }

        public async Task StopAllAsync()
        {
            foreach (var server in _servers)
            {
                await server.DisposeAsync();
            }
        }

        public Task StartAsync(int port, CancellationToken cancellationToken)
        {
            Ports.Add(port);
            Latest = EpmdServer.Start(port, TimeProvider.System, EpmdServer.DefaultIdleExit);
            _servers.Add(Latest);
            return Task.CompletedTask;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var server in _servers)
            {
                await server.DisposeAsync();
            }
        }
    }
}

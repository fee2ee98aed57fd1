using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc.Raft;
using NsoDev.Simulator.HaRaft;

namespace NsoDev.Simulator.Tests.HaRaft.Transport;

/// <summary>6.7's transport: one listen port a node, member names ID@ADDRESS:PORT, mutual TLS on 127.0.0.1.</summary>
public sealed class RaftTlsTransportTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 60_000)]
    public async Task Two_nodes_exchange_requests_both_ways_and_see_each_other_connected()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var two = cluster.Node(2, ports[1]);
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, one, two);

        Assert.Equal(one.Name, one.Transport.LocalNodeName);
        var reply = await one.Transport.RequestAsync(two.Name, RaftTestNode.Ping("hello two"), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal("ping-reply", reply.Type);
        Assert.Equal("hello two", reply.Fields["text"]);
        Assert.Equal(one.Name, reply.Fields["from"]);
        Assert.Equal(two.Name, reply.Fields["by"]);

        var back = await two.Transport.RequestAsync(one.Name, RaftTestNode.Ping("hello one"), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal(two.Name, back.Fields["from"]);
        Assert.Equal(one.Name, back.Fields["by"]);

        Assert.Equal([two.Name], one.Transport.ConnectedNodes);
        Assert.Equal([one.Name], two.Transport.ConnectedNodes);
    }

    [Fact(Timeout = 60_000)]
    public async Task Three_nodes_each_reach_both_others_and_concurrent_requests_get_their_own_replies()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(3);
        RaftTestNode[] nodes = [cluster.Node(1, ports[0]), cluster.Node(2, ports[1]), cluster.Node(3, ports[2])];
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, nodes);

        var sent = (from sender in nodes
                    from receiver in nodes
                    where sender != receiver
                    from n in Enumerable.Range(0, 10)
                    let text = $"{sender.Name}>{receiver.Name}#{n}"
                    select (receiver, text, reply: sender.Transport.RequestAsync(receiver.Name, RaftTestNode.Ping(text), Timeout, TestContext.Current.CancellationToken))).ToList();
        await Task.WhenAll(sent.Select(r => r.reply));
        foreach (var (receiver, text, reply) in sent)
        {
            var answer = await reply;
            Assert.Equal(text, answer.Fields["text"]);
            Assert.Equal(receiver.Name, answer.Fields["by"]);
        }

        foreach (var node in nodes)
        {
            Assert.Equal(nodes.Where(n => n != node).Select(n => n.Name).Order(StringComparer.Ordinal), node.Transport.ConnectedNodes);
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_member_name_without_the_node_id_or_with_another_spelling_reaches_the_same_node()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var two = cluster.Node(2, ports[1]);
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, one, two);

        var reply = await one.Transport.RequestAsync($" ncsd2@127.0.0.1:{ports[1]} ", RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken);

        Assert.Equal(two.Name, reply.Fields["by"]);
        var wrong = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => one.Transport.RequestAsync($"ncsd9@127.0.0.1:{ports[1]}", RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));
        Assert.Contains($"this node is {two.Name}", wrong.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_handler_that_fails_answers_with_its_reason_and_the_connection_stays()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var two = cluster.Node(2, ports[1]);
        await one.Transport.StartAsync(one.Echo, TestContext.Current.CancellationToken);
        await two.Transport.StartAsync((_, request, _) => request.Type == "fail" ? throw new InvalidOperationException("not the leader") : two.Echo(one.Name, request, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken);

        var failure = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => one.Transport.RequestAsync(two.Name, new RaftMessage("fail", new Dictionary<string, string>()), Timeout, TestContext.Current.CancellationToken));
        var after = await one.Transport.RequestAsync(two.Name, RaftTestNode.Ping("still here"), Timeout, TestContext.Current.CancellationToken);

        Assert.Contains("not the leader", failure.Message, StringComparison.Ordinal);
        Assert.Equal("still here", after.Fields["text"]);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_request_the_peer_does_not_answer_in_time_fails_after_its_timeout()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var two = cluster.Node(2, ports[1]);
        await one.Transport.StartAsync(one.Echo, TestContext.Current.CancellationToken);
        await two.Transport.StartAsync(async (from, request, token) =>
        {
            if (request.Type == "slow")
            {
                await Task.Delay(TimeSpan.FromSeconds(30), token);
            }

            return await two.Echo(from, request, token);
        }, TestContext.Current.CancellationToken);
        await one.Transport.RequestAsync(two.Name, RaftTestNode.Ping("connect first"), Timeout, TestContext.Current.CancellationToken);

        var clock = Stopwatch.StartNew();
        var late = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => one.Transport.RequestAsync(two.Name, new RaftMessage("slow", new Dictionary<string, string>()), TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken));

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
        Assert.Contains($"{two.Name} did not answer a 'slow' request within 0.3 s", late.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_stopped_peer_drops_from_the_connected_nodes_and_requests_to_it_fail_fast()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var two = cluster.Node(2, ports[1]);
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, one, two);
        await one.Transport.RequestAsync(two.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken);
        Assert.Equal([two.Name], one.Transport.ConnectedNodes);

        await two.Transport.DisposeAsync();
        var clock = Stopwatch.StartNew();
        while (one.Transport.ConnectedNodes.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Empty(one.Transport.ConnectedNodes);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        clock.Restart();
        var gone = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => one.Transport.RequestAsync(two.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(2));
        Assert.Contains($"127.0.0.1:{ports[1]}", gone.Message, StringComparison.Ordinal);
        Assert.Contains($"connection to {two.Name} closed", one.LogText, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_peer_that_goes_silent_is_dropped_after_the_silence_limit()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        await one.Transport.StartAsync(one.Echo, TestContext.Current.CancellationToken);

        // A peer that completes TLS and the hello, then says nothing more: no heartbeats.
        using var silent = await SilentPeer.ConnectAsync(cluster, one, ports[1], TestContext.Current.CancellationToken);
        var clock = Stopwatch.StartNew();
        while (!one.Transport.ConnectedNodes.Contains(silent.Name) && clock.Elapsed < TimeSpan.FromSeconds(5))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Contains(silent.Name, one.Transport.ConnectedNodes);
        while (one.Transport.ConnectedNodes.Count > 0 && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Empty(one.Transport.ConnectedNodes);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
        Assert.Contains("nothing heard from it for", one.LogText, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_busy_listen_port_fails_the_start_naming_the_port_the_leaf_and_the_fix()
    {
        await using var cluster = new RaftTestCluster("6.7");
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;
        var node = cluster.Node(1, port);

        var busy = await Assert.ThrowsAsync<RaftTransportException>(() => node.Transport.StartAsync(node.Echo, TestContext.Current.CancellationToken));

        Assert.Contains($"127.0.0.1:{port}", busy.Message, StringComparison.Ordinal);
        Assert.Contains("/ncs-config/ha-raft/listen/port", busy.Message, StringComparison.Ordinal);
        Assert.Contains("in use", busy.Message, StringComparison.Ordinal);
        Assert.Contains("give this node another listen/port", busy.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_missing_certificate_file_fails_the_start_naming_the_file_and_the_leaf()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var node = cluster.Node(1, FreePorts.One());
        File.Delete(node.Options.CertFile);

        var missing = await Assert.ThrowsAsync<RaftTransportException>(() => node.Transport.StartAsync(node.Echo, TestContext.Current.CancellationToken));

        Assert.Contains(node.Options.CertFile, missing.Message, StringComparison.Ordinal);
        Assert.Contains("/ncs-config/ha-raft/ssl/cert-file", missing.Message, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task A_peer_with_another_cluster_name_is_refused_by_the_node_it_dials()
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        var one = cluster.Node(1, ports[0]);
        var stranger = cluster.Node(2, ports[1], clusterName: "other-cluster");
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, one, stranger);

        var refused = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => stranger.Transport.RequestAsync(one.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));
        var reverse = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => one.Transport.RequestAsync(stranger.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));

        const string Reason = "its cluster-name 'other-cluster' is not this node's 'raft-test': give every member the same /ncs-config/ha-raft/cluster-name";
        Assert.Contains($"{one.Name} refused this node: {Reason}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"refused {stranger.Name}", one.LogText, StringComparison.Ordinal);
        Assert.Contains(Reason, one.LogText, StringComparison.Ordinal);
        Assert.Contains("its cluster-name 'raft-test' is not this node's 'other-cluster'", reverse.Message, StringComparison.Ordinal);
        Assert.Empty(one.Transport.ConnectedNodes);
        Assert.Empty(stranger.Transport.ConnectedNodes);
    }

    public static TheoryData<string> BadCertificates => ["another CA", "expired", "another address"];

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(BadCertificates))]
    public async Task A_bad_peer_certificate_is_refused_with_the_verifiers_reason_on_both_ends(string problem)
    {
        await using var cluster = new RaftTestCluster("6.7");
        var ports = FreePorts.Take(2);
        using var otherAuthority = RaftCertificates.CreateAuthority("other", DateTimeOffset.UtcNow);
        var badAddress = "ncsd2@127.0.0.1";
        var certificate = problem switch
        {
            "another CA" => RaftCertificates.IssueNode(otherAuthority, badAddress, cluster.Release.Release, DateTimeOffset.UtcNow),
            "expired" => cluster.Issue(badAddress, now: DateTimeOffset.UtcNow - TimeSpan.FromDays(400)),
            _ => cluster.Issue("ncsd2@127.0.0.2"),
        };
        var good = cluster.Node(1, ports[0]);
        var bad = cluster.Node(2, ports[1], certificate);
        await RaftTestCluster.StartEchoingAsync(TestContext.Current.CancellationToken, good, bad);
        var reason = RaftTlsPeerVerifier.Refusal(certificate, cluster.Authority, bad.Name, cluster.Release.Release, DateTimeOffset.UtcNow);
        Assert.NotNull(reason);

        // The good node dials the bad one: it judges the server's certificate during TLS.
        var dialling = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => good.Transport.RequestAsync(bad.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));
        Assert.Equal($"This node refused {bad.Name}: {reason}.", dialling.Message);
        Assert.Contains($"refused {bad.Name} (127.0.0.1:{ports[1]}): {reason}", good.LogText, StringComparison.Ordinal);

        // The bad node dials the good one: the good one judges the client's certificate after the hello.
        var dialled = await Assert.ThrowsAsync<RaftPeerUnreachableException>(
            () => bad.Transport.RequestAsync(good.Name, RaftTestNode.Ping("x"), Timeout, TestContext.Current.CancellationToken));
        Assert.Equal($"{good.Name} refused this node: {reason}.", dialled.Message);
        Assert.Contains($"refused {bad.Name} (127.0.0.1:", good.LogText, StringComparison.Ordinal);
        Assert.Equal(2, good.Log.Count(l => l.Contains(reason, StringComparison.Ordinal)));

        Assert.Empty(good.Transport.ConnectedNodes);
        Assert.Empty(bad.Transport.ConnectedNodes);
    }
}

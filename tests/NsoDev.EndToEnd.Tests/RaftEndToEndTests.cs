using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Plan;
using Renci.SshNet;

namespace NsoDev.EndToEnd.Tests;

/// <summary>
/// Issue 14's HA Raft end to end on the simulator: the default AppHost with <c>--Nso:Raft:Nodes=3</c>, in
/// both release bands. The cluster forms by itself, a commit on the leader reaches both followers, a
/// follower refuses a write, Handover moves the lead, and stopping the leader elects another.
/// </summary>
public sealed class RaftEndToEndTests(ITestOutputHelper output) : IDisposable
{
    private static readonly XNamespace Raft = "http://tail-f.com/ns/ncs/high-availability/raft";
    private static readonly XNamespace Ncs = "http://tail-f.com/ns/ncs";
    private static readonly string[] Nodes = ["raft-1", "raft-2", "raft-3"];
    private readonly string _runRoot = Directory.CreateTempSubdirectory("nsodev-raft-").FullName;

    public void Dispose() => Directory.Delete(_runRoot, recursive: true);

    [Theory(Timeout = 300_000)]
    [InlineData("6.5")]
    [InlineData("6.7")]
    public async Task Three_nodes_form_one_cluster_replicate_a_commit_refuse_a_follower_write_hand_over_and_fail_over(string release)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var builder = await AppHostRun.CreateAsync(_runRoot, cancellationToken, "--Nso:Raft:Nodes=3", $"--Nso:Raft:SimulatedRelease={release}", "--Nso:Clients=false");
        await using var app = await builder.BuildAsync(cancellationToken);
        var started = Stopwatch.StartNew();
        await app.StartAsync(cancellationToken);
        await app.ResourceNotifications.WaitForResourceAsync("raft", e => e.Snapshot.State?.Text == KnownResourceStates.Running, cancellationToken);
        output.WriteLine($"NSO {release}: cluster formed {started.Elapsed.TotalSeconds:0.00} s after the app host started");

        // One leader, two followers, as each node's own NETCONF says and as the dashboard shows.
        var statuses = Nodes.ToDictionary(n => n, n => Status(NetconfPort(builder, n)));
        var leader = Assert.Single(statuses, s => s.Value.Role == "leader").Key;
        Assert.Equal(2, statuses.Count(s => s.Value.Role == "follower"));
        Assert.All(statuses.Values, s => Assert.Equal(statuses[leader].Local, s.Leader));
        Assert.All(Nodes, n => Assert.Equal(statuses[n].Role, Property(app, n, NsoResourceProperties.RaftRole)));
        Assert.StartsWith(leader + " (", Property(app, "raft", NsoResourceProperties.RaftLeader), StringComparison.Ordinal);

        // The cluster's leader endpoint is the leader's ha-primary-listen: the leader answers it.
        var cluster = (NsoRaftClusterResource)builder.Resources.Single(r => r.Name == "raft");
        var primary = cluster.Nodes[0].RequirePlan().Raft!.Cluster.PrimaryListen;
        Assert.Equal(statuses[leader].Local, Status(primary.NetconfSshPort).Local);

        // A commit through the leader's endpoint reaches both followers; a follower refuses one itself.
        EditConfig(primary.NetconfSshPort, Authgroup("replicated"), expectError: false);
        foreach (var follower in Nodes.Where(n => n != leader))
        {
            await WaitUntilAsync(() => GetConfig(NetconfPort(builder, follower)).Contains("replicated", StringComparison.Ordinal), $"the commit to reach {follower}", cancellationToken);
        }

        var refused = EditConfig(NetconfPort(builder, Nodes.First(n => n != leader)), Authgroup("on-a-follower"), expectError: true);
        output.WriteLine("A follower's refusal: " + refused);

        // Handover: another node leads, and the leader endpoint follows it.
        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var handover = await commands.ExecuteCommandAsync(cluster, "nso-raft-handover", cancellationToken);
        Assert.True(handover.Success, handover.Message);
        var next = Nodes.Single(n => handover.Message!.StartsWith(n + " leads", StringComparison.Ordinal));
        Assert.NotEqual(leader, next);
        await WaitUntilAsync(() => Status(NetconfPort(builder, next)).Role == "leader", $"{next} to lead", cancellationToken);

        // Stopping the leader elects another; the cluster keeps running with two of three.
        Assert.True((await commands.ExecuteCommandAsync(next, "nso-stop", cancellationToken)).Success);
        var failover = Stopwatch.StartNew();
        var after = await app.ResourceNotifications.WaitForResourceAsync(
            "raft",
            e => e.Snapshot.Properties.FirstOrDefault(p => p.Name == NsoResourceProperties.RaftLeader)?.Value?.ToString() is { } l && !l.StartsWith(next, StringComparison.Ordinal) && l != "none",
            cancellationToken);
        output.WriteLine($"After {next} stopped, {after.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.RaftLeader).Value} led within {failover.Elapsed.TotalSeconds:0.00} s");
        Assert.Equal(KnownResourceStates.Running, after.Snapshot.State?.Text);
        Assert.Contains("2 of 3 joined", after.Snapshot.Properties.Single(p => p.Name == NsoResourceProperties.RaftMembers).Value?.ToString(), StringComparison.Ordinal);
    }

    private static int NetconfPort(IDistributedApplicationTestingBuilder builder, string node) => builder.Nso(node).RequirePlan().PortOf(NsoPortKind.Netconf)!.Value;

    private static string? Property(DistributedApplication app, string resource, string name) =>
        app.ResourceNotifications.TryGetCurrentState(resource, out var e) ? e.Snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString() : null;

    private static string Authgroup(string name) =>
        $"""<devices xmlns="http://tail-f.com/ns/ncs"><authgroups><group><name>{name}</name><default-map><remote-name>admin</remote-name><remote-password>admin</remote-password></default-map></group></authgroups></devices>""";

    private static async Task WaitUntilAsync(Func<bool> done, string what, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (!done())
        {
            if (deadline.Elapsed > TimeSpan.FromSeconds(30))
            {
                throw new TimeoutException($"Waited 30 s for {what}.");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static (string Role, string? Leader, string? Local) Status(int port)
    {
        using var client = Netconf(port);
        var reply = XElement.Parse(client.SendReceiveRpc(Rpc($"""<get><filter type="subtree"><ha-raft xmlns="{Raft}"><status/></ha-raft></filter></get>""")).OuterXml);
        var status = reply.Descendants(Raft + "status").Single();
        return (status.Element(Raft + "role")!.Value, status.Element(Raft + "leader")?.Value, status.Element(Raft + "local-node")?.Value);
    }

    private static string GetConfig(int port)
    {
        using var client = Netconf(port);
        return client.SendReceiveRpc(Rpc($"""<get-config><source><running/></source><filter type="subtree"><devices xmlns="{Ncs}"><authgroups/></devices></filter></get-config>""")).OuterXml;
    }

    private static string EditConfig(int port, string config, bool expectError)
    {
        using var client = Netconf(port);
        var reply = client.SendReceiveRpc(Rpc($"<edit-config><target><running/></target><config>{config}</config></edit-config>")).OuterXml;
        Assert.Equal(expectError, reply.Contains("rpc-error", StringComparison.Ordinal));
        return reply;
    }

    private static NetConfClient Netconf(int port)
    {
        var client = new NetConfClient("127.0.0.1", port, "admin", "admin") { AutomaticMessageIdHandling = false, OperationTimeout = TimeSpan.FromSeconds(30) };
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                client.Connect();
                return client;
            }
            catch (Renci.SshNet.Common.NetConfServerException) when (attempt < 3)
            {
                // SSH.NET's hello race (NSO-NOTES §12): a new connection reads the hello whole.
            }
        }
    }

    private static XmlDocument Rpc(string body)
    {
        var rpc = new XmlDocument();
        rpc.LoadXml($"<rpc message-id=\"1\" xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">{body}</rpc>");
        return rpc;
    }
}

using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Raft;
using NsoDev.Hosting.Serve;
using NsoDev.Hosting.Tests.Orchestration;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Raft;

/// <summary>
/// A cluster of three nodes on a fake NSO install: the fleet plans them, starts each, creates the cluster on
/// node 1 with the command line Cisco's example uses (<c>ncs_cli -nsCu admin -g admin</c>, the command on stdin,
/// the node's NCS_IPC_*), reads each node's <c>/ha-raft/status</c> over NETCONF and shows roles, leader and
/// failover on the dashboard. The nodes' NETCONF is a fake that plays a cluster.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class RaftClusterFormationTests : IAsyncDisposable
{
    private static readonly TimeSpan HangGuard = OrchestrationHarness.HangGuard;

    private static readonly string[] Followers = ["raft-2", "raft-3"];
    private static readonly string[] AllNodes = ["raft-1", "raft-2", "raft-3"];

    private readonly OrchestrationHarness _h = new();
    private readonly PlayedCluster _played = new();

    public RaftClusterFormationTests()
    {
        _h.Northbound.RaftStatus = _played.StatusAt;
        _h.Northbound.UnreachablePort = port => _played.Down.Contains(port) ? "connection refused" : null;
        _h.Processes.OnCall = spec =>
        {
            if (spec.FileName.EndsWith("ncs_cli", StringComparison.Ordinal))
            {
                _played.Cli(spec);
            }
        };
    }

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private async Task<NsoRaftClusterResource> StartClusterAsync(string release, bool stateKept = false)
    {
        var cluster = _h.DeclareRaftCluster("raft", 3);
        _h.Processes.Returns("--version", new ProcessResult(0, release + "\n", ""));
        _h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok, OrchestrationHarness.Ok).StopsCleanly();
        _h.Processes.Returns("-nsCu", OrchestrationHarness.Ok, OrchestrationHarness.Ok);
        await _h.PrepareAsync();
        _played.Learn(cluster, NsoRelease.Parse(release));
        if (stateKept)
        {
            _played.Leader = _played.MemberOf("raft-2");
        }

        await Task.WhenAll(cluster.Nodes.Select(n => _h.Fleet.StartInstanceAsync(n))).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        return cluster;
    }

    /// <summary>Advances the fake clock past the polls until <paramref name="done"/> holds.</summary>
    private async Task PollUntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + HangGuard;
        while (!done())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {HangGuard.TotalSeconds} s for {what}.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
            _h.Time.Advance(RaftClusterFormation.FormedPoll);
        }
    }

    private string? Property(string resource, string property) =>
        _h.Notifications.TryGetCurrentState(resource, out var e) ? e.Snapshot.Properties.FirstOrDefault(p => p.Name == property)?.Value?.ToString() : null;

    private string? State(string resource) =>
        _h.Notifications.TryGetCurrentState(resource, out var e) ? e.Snapshot.State?.Text : null;

    [Theory]
    [InlineData("6.7")]
    [InlineData("6.5")]
    public async Task Once_every_node_runs_the_cluster_is_created_on_node_1_with_ncs_cli_and_the_dashboard_shows_one_leader_and_two_followers(string release)
    {
        var cluster = await StartClusterAsync(release);
        await PollUntilAsync(() => State("raft") == KnownResourceStates.Running, "the cluster to run");

        var cli = Assert.Single(_played.CliCalls);
        var node1 = _h.RequirePlanOf("raft-1");
        Assert.Equal(Path.Combine(_h.NcsDir, "bin", "ncs_cli"), cli.FileName);
        Assert.Equal(["-nsCu", "admin", "-g", "admin"], cli.Arguments);
        Assert.Equal(node1.PortOf(NsoPortKind.Ipc)!.Value.ToString(CultureInfo.InvariantCulture), cli.Environment[NcsIpcVariables.Port]);
        var members = string.Join(' ', Followers.Select(_played.MemberOf));
        Assert.Equal($"ha-raft create-cluster member [ {members} ]\n", cli.StandardInput);
        if (release == "6.7")
        {
            Assert.Matches(@"^ncsd2@127\.0\.0\.1:\d+ ncsd3@127\.0\.0\.1:\d+$", members);
            Assert.Contains(":" + _h.RequirePlanOf("raft-2").PortOf(NsoPortKind.HaRaft)!.Value.ToString(CultureInfo.InvariantCulture), members, StringComparison.Ordinal);
        }
        else
        {
            // Up to 6.6 epmd finds the nodes: no port in the member name, and a node id of this cluster's own.
            Assert.Matches(@"^ncsd2_[0-9a-f]{4}@127\.0\.0\.1 ncsd3_[0-9a-f]{4}@127\.0\.0\.1$", members);
        }

        await PollUntilAsync(() => Property("raft-3", NsoResourceProperties.RaftRole) == "follower", "raft-3's role");
        Assert.Equal($"raft-1 ({_played.MemberOf("raft-1")})", Property("raft", NsoResourceProperties.RaftLeader));
        Assert.Equal("3 of 3 joined", Property("raft", NsoResourceProperties.RaftMembers));
        Assert.Equal("leader", Property("raft-1", NsoResourceProperties.RaftRole));
        Assert.Equal("follower", Property("raft-2", NsoResourceProperties.RaftRole));
        Assert.Equal(_played.MemberOf("raft-2"), Property("raft-2", NsoResourceProperties.RaftNode));
        Assert.All(cluster.Nodes, n => Assert.Same(cluster, n.Annotations.OfType<ResourceRelationshipAnnotation>().Single(a => a.Type == "Parent").Resource));
    }

    [Fact]
    public async Task A_fake_ncs_cli_script_in_the_installation_gets_the_command_on_stdin_and_the_leader_s_ipc_in_its_environment()
    {
        // A real process, as NSO's own ncs_cli would be started: arguments, environment and stdin, then EOF.
        var script = Path.Combine(_h.NcsDir, "bin", "ncs_cli");
        var record = Path.Combine(_h.Root, "ncs_cli.record");
        await File.WriteAllTextAsync(script, $"#!/bin/sh\nprintf 'args=%s\\n' \"$*\" >> '{record}'\nprintf 'port=%s path=%s\\n' \"$NCS_IPC_PORT\" \"${{NCS_IPC_PATH:-}}\" >> '{record}'\ncat >> '{record}'\n", TestContext.Current.CancellationToken);
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _h.Processes.RunsForReal = spec => spec.FileName == script;

        await StartClusterAsync("6.5");
        await PollUntilAsync(() => State("raft") == KnownResourceStates.Running, "the cluster to run");

        var ipc = _h.RequirePlanOf("raft-1").PortOf(NsoPortKind.Ipc)!.Value.ToString(CultureInfo.InvariantCulture);
        var members = string.Join(' ', Followers.Select(_played.MemberOf));
        Assert.Equal($"args=-nsCu admin -g admin\nport={ipc} path=\nha-raft create-cluster member [ {members} ]\n", await File.ReadAllTextAsync(record, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Nodes_that_kept_their_raft_state_form_the_cluster_again_without_a_second_create_cluster()
    {
        await StartClusterAsync("6.7", stateKept: true);
        await PollUntilAsync(() => State("raft") == KnownResourceStates.Running, "the cluster to run");

        Assert.Empty(_played.CliCalls);
        Assert.Equal($"raft-2 ({_played.MemberOf("raft-2")})", Property("raft", NsoResourceProperties.RaftLeader));
    }

    [Fact]
    public async Task When_the_leader_goes_down_the_dashboard_shows_the_new_leader_and_the_old_one_as_stopped_or_unknown()
    {
        await StartClusterAsync("6.7");
        await PollUntilAsync(() => Property("raft-1", NsoResourceProperties.RaftRole) == "leader", "raft-1 to lead");

        _played.Down.Add(_h.RequirePlanOf("raft-1").PortOf(NsoPortKind.Netconf)!.Value);
        _played.Leader = _played.MemberOf("raft-3");

        await PollUntilAsync(() => Property("raft", NsoResourceProperties.RaftLeader) == $"raft-3 ({_played.MemberOf("raft-3")})", "raft-3 to lead");
        Assert.Equal(KnownResourceStates.Running, State("raft"));
        Assert.StartsWith("unknown: connection refused", Property("raft-1", NsoResourceProperties.RaftRole), StringComparison.Ordinal);
        Assert.Equal("2 of 3 joined (not: raft-1 unknown)", Property("raft", NsoResourceProperties.RaftMembers));
    }

    [Fact]
    public async Task Handover_runs_ha_raft_handover_on_the_leader_and_reports_the_node_that_leads_afterwards()
    {
        await StartClusterAsync("6.7");
        await PollUntilAsync(() => State("raft") == KnownResourceStates.Running, "the cluster to run");

        var raft = _h.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<NsoRaftClusterResource>().Single();
        var command = _h.App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(raft, RaftClusterCommands.Handover, TestContext.Current.CancellationToken);
        await PollUntilAsync(() => command.IsCompleted, "the handover");
        var result = await command;

        Assert.True(result.Success, result.Message);
        var handover = _played.CliCalls[^1];
        Assert.Equal("ha-raft handover\n", handover.StandardInput);
        Assert.Equal(_h.RequirePlanOf("raft-1").PortOf(NsoPortKind.Ipc)!.Value.ToString(CultureInfo.InvariantCulture), handover.Environment[NcsIpcVariables.Port]);
        Assert.Equal("raft-2 leads cluster raft now, after raft-1 handed over.", result.Message);
    }

    [Fact]
    public async Task A_failed_create_cluster_is_logged_with_ncs_cli_output_and_tried_again()
    {
        _played.RefuseCreates = 1;
        _h.Processes.Returns("-nsCu", new ProcessResult(1, "", "Error: member not reachable"));
        await StartClusterAsync("6.7");
        await PollUntilAsync(() => _played.CliCalls.Count >= 1, "the first create-cluster");
        var warning = await _h.WaitForResourceLogAsync("raft", "failed with exit code 1");
        await PollUntilAsync(() => State("raft") == KnownResourceStates.Running, "the cluster to run");

        Assert.Equal(2, _played.CliCalls.Count);
        Assert.Contains("ha-raft create-cluster on raft-1 (NSO 6.7) failed with exit code 1; trying again in 5 s: Error: member not reachable", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ncs_cli_that_cannot_run_is_reported_with_its_path_and_the_watch_goes_on()
    {
        // No result scripted for the first ncs_cli: the fake runner throws, as for a missing program.
        var cluster = _h.DeclareRaftCluster("raft", 3);
        _h.Processes.Returns("--version", new ProcessResult(0, "6.7\n", ""));
        _h.Processes.Returns("--wait-started", OrchestrationHarness.Ok, OrchestrationHarness.Ok, OrchestrationHarness.Ok).StopsCleanly();
        await _h.PrepareAsync();
        _played.Learn(cluster, NsoRelease.Parse("6.7"));
        _played.RefuseCreates = 1;
        await Task.WhenAll(cluster.Nodes.Select(n => _h.Fleet.StartInstanceAsync(n))).WaitAsync(HangGuard, TestContext.Current.CancellationToken);
        await PollUntilAsync(() => _played.CliCalls.Count >= 1, "the first create-cluster");

        var warning = await _h.WaitForResourceLogAsync("raft", "failed with exit code 127");
        _h.Processes.Returns("-nsCu", OrchestrationHarness.Ok);
        await PollUntilAsync(() => State("raft") == KnownResourceStates.Running, "the cluster to run after a second try");

        Assert.Contains(Path.Combine(_h.NcsDir, "bin", "ncs_cli") + " could not be run", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Each_node_gets_its_ha_raft_section_and_tls_files_before_its_daemon_starts()
    {
        await StartClusterAsync("6.7");
        var node2 = _h.RequirePlanOf("raft-2");
        var conf = XDocument.Load(node2.RunDirectory.NcsConf);
        XNamespace c = "http://tail-f.com/yang/tailf-ncs-config";
        var haRaft = conf.Root!.Element(c + "ha-raft")!;
        Assert.Equal("raft", haRaft.Element(c + "cluster-name")!.Value);
        Assert.Equal("ncsd2@127.0.0.1", haRaft.Element(c + "listen")!.Element(c + "node-address")!.Value);
        Assert.Equal(node2.PortOf(NsoPortKind.HaRaft)!.Value.ToString(CultureInfo.InvariantCulture), haRaft.Element(c + "listen")!.Element(c + "port")!.Value);
        Assert.Equal(2, haRaft.Element(c + "seed-nodes")!.Elements(c + "seed-node").Count());
        var key = Path.Combine(node2.RunDirectory.Path, "ha-tls", "node.key");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
        Assert.True(File.Exists(Path.Combine(_h.Root, "run", "raft", "ca", "ca.crt")));
        Assert.Equal(_h.RequirePlanOf("raft-1").Raft!.Cluster.LeaderPorts, new NsoDev.Hosting.Materialize.RunDirectory(Path.Combine(_h.Root, "run", "raft")).ReadState()!.PlannedPorts);

        // Every node names the same leader endpoints, which the cluster resource's endpoints carry.
        var primary = _h.RequirePlanOf("raft-1").Raft!.Cluster.PrimaryListen;
        Assert.All(AllNodes.Select(_h.RequirePlanOf), p => Assert.Equal(primary, p.Raft!.Cluster.PrimaryListen));
        var raft = _h.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<NsoRaftClusterResource>().Single();
        Assert.Equal(primary.NetconfSshPort, raft.NetconfEndpoint.Port);
        Assert.Equal(primary.CliSshPort, raft.CliEndpoint.Port);
    }

    [Fact]
    public async Task Nodes_of_different_releases_fail_to_start_with_the_reason_and_no_cluster_is_created()
    {
        var cluster = _h.DeclareRaftCluster("raft", 3);
        var other = Path.Combine(_h.Root, "nso-6.6");
        Directory.CreateDirectory(Path.Combine(other, "bin"));
        await File.WriteAllTextAsync(Path.Combine(other, "bin", "ncs"), "", TestContext.Current.CancellationToken);
        cluster.Nodes[2].Declaration().Engine = new EngineChoice.Installation(other);
        _h.Processes.Returns("--version", new ProcessResult(0, "6.7\n", ""), new ProcessResult(0, "6.6\n", ""));
        await _h.PrepareAsync();

        await Task.WhenAll(cluster.Nodes.Select(n => _h.Fleet.StartInstanceAsync(n))).WaitAsync(HangGuard, TestContext.Current.CancellationToken);

        var failure = await _h.States.WaitForStateAsync("raft-1", KnownResourceStates.FailedToStart);
        Assert.Contains("run different NSO releases", failure.Properties.Single(p => p.Name == NsoResourceProperties.Failure).Value?.ToString(), StringComparison.Ordinal);
        Assert.Equal(KnownResourceStates.FailedToStart, State("raft"));
        Assert.Empty(_played.CliCalls);
        Assert.Empty(_h.Processes.Daemons.Items);
    }

    /// <summary>What the nodes' NETCONF shows: all stalled until create-cluster, then one leader and followers; handover moves the lead on.</summary>
    private sealed class PlayedCluster
    {
        private readonly Dictionary<int, string> _memberByNetconfPort = [];
        private readonly Dictionary<string, string> _memberByNode = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _nodeByIpcPort = new(StringComparer.Ordinal);

        public List<ProcessSpec> CliCalls { get; } = [];

        public HashSet<int> Down { get; } = [];

        public volatile string? Leader;

        public int RefuseCreates { get; set; }

        public void Learn(NsoRaftClusterResource cluster, NsoRelease release)
        {
            foreach (var node in cluster.Nodes)
            {
                var plan = node.PlanOrNull()!;
                var member = plan.Raft!.NodeFor(release).MemberName;
                _memberByNetconfPort[plan.PortOf(NsoPortKind.Netconf)!.Value] = member;
                _memberByNode[node.Name] = member;
                _nodeByIpcPort[plan.PortOf(NsoPortKind.Ipc)!.Value.ToString(CultureInfo.InvariantCulture)] = node.Name;
            }
        }

        public string MemberOf(string node) => _memberByNode[node];

        public void Cli(ProcessSpec spec)
        {
            lock (CliCalls)
            {
                CliCalls.Add(spec);
            }

            var node = _nodeByIpcPort[spec.Environment[NcsIpcVariables.Port]!];
            if (spec.StandardInput!.StartsWith("ha-raft create-cluster", StringComparison.Ordinal))
            {
                if (RefuseCreates-- > 0)
                {
                    return;
                }

                Leader = MemberOf(node);
            }
            else if (spec.StandardInput.StartsWith("ha-raft handover", StringComparison.Ordinal))
            {
                Leader = _memberByNode.Values.First(m => m != Leader);
            }
        }

        public XElement? StatusAt(int netconfPort)
        {
            XNamespace r = RaftStatus.Namespace;
            var local = _memberByNetconfPort[netconfPort];
            var role = Leader is null ? "stalled" : local == Leader ? "leader" : "follower";
            return new XElement(
                r + "status",
                new XElement(r + "role", role),
                Leader is null ? null : new XElement(r + "leader", Leader),
                _memberByNetconfPort.Values.Select(m => new XElement(r + "member", m)),
                new XElement(r + "local-node", local));
        }
    }
}

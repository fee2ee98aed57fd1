using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Serve;

namespace NsoDev.Hosting.Raft;

/// <summary>One node as the formation sees it: its resource, its ordinal, and whether its daemon runs now.</summary>
internal sealed record RaftNodeHandle(NsoResource Resource, int Ordinal, Func<bool> IsRunning);

/// <summary>What one poll found on a node: its status, or why there is none.</summary>
internal sealed record RaftNodeView(RaftNodeHandle Node, bool Running, RaftStatus? Status, string? Problem);

/// <summary>
/// Forms an HA Raft cluster once all its nodes run, and then watches it (NSO-NOTES §14): when every node
/// reports <c>stalled</c>, <c>ha-raft create-cluster member [...]</c> runs on the intended leader through
/// <c>ncs_cli</c>, as Cisco's example does; a cluster whose nodes kept their Raft state from an earlier run
/// re-forms by itself and is not created again. Each node's <c>/ha-raft/status</c> is read over its own
/// NETCONF, and the roles, the leader and failovers go to the dashboard.
/// </summary>
internal sealed class RaftClusterFormation(
    NsoRaftClusterResource cluster,
    RaftClusterPlan plan,
    IReadOnlyList<RaftNodeHandle> nodes,
    IProcessRunner runner,
    INorthboundConnector northbound,
    RaftDashboard dashboard,
    ILogger logger,
    TimeProvider time) : IAsyncDisposable
{
    /// <summary>How often the roles are read while the cluster forms, and once it has formed.</summary>
    public static readonly TimeSpan FormingPoll = TimeSpan.FromMilliseconds(250);

    public static readonly TimeSpan FormedPoll = TimeSpan.FromSeconds(1);

    /// <summary>A create-cluster that failed is tried again after this, in case a member was not listening yet.</summary>
    public static readonly TimeSpan CreateRetry = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan StatusTimeout = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, INorthboundSession> _sessions = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _poll = new(1, 1);
    private readonly TaskCompletionSource _formed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _commands = new(1, 1);
    private IReadOnlyList<RaftNodeView> _last = [];
    private long? _createdAt;

    /// <summary>Completes when every node first reports leader or follower.</summary>
    public Task Formed => _formed.Task;

    /// <summary>The node that led at the last poll; null when none did.</summary>
    public NsoResource? Leader => _last.FirstOrDefault(v => v.Status?.Role == RaftStatus.LeaderRole)?.Node.Resource;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var began = time.GetTimestamp();
        await dashboard.ClusterAsync(cluster, plan, [], formed: false);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var views = await PollAsync(cancellationToken);
                if (!_formed.Task.IsCompleted && ShouldCreate(views))
                {
                    await CreateAsync(views, cancellationToken);
                    views = await PollAsync(cancellationToken);
                }

                var formed = IsFormed(views);
                if (formed && _formed.TrySetResult())
                {
                    logger.LogInformation("HA Raft cluster {Cluster} formed in {Seconds:0.00} s: {Leader} leads, {Followers} follow", cluster.Name, time.GetElapsedTime(began).TotalSeconds, LeaderName(views), string.Join(", ", views.Where(v => v.Status?.Role == RaftStatus.FollowerRole).Select(v => v.Node.Resource.Name)));
                }

                ReportChanges(_last, views);
                _last = views;
                await dashboard.ClusterAsync(cluster, plan, views, formed);
                await Task.Delay(formed ? FormedPoll : FormingPoll, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The app host stops; the nodes stop with their instances.
        }
    }

    /// <summary>
    /// <c>ha-raft handover</c> on the current leader (a new election elsewhere), then the wait until another
    /// node leads. Returns what happened, for the dashboard.
    /// </summary>
    public async Task<(bool Success, string Message)> HandoverAsync(CancellationToken cancellationToken)
    {
        await _commands.WaitAsync(cancellationToken);
        try
        {
            if (_last.FirstOrDefault(v => v.Status?.Role == RaftStatus.LeaderRole) is not { } leader)
            {
                return (false, $"Cluster {cluster.Name} has no leader now, so there is nothing to hand over. Wait until one is elected.");
            }

            var result = await RunCliAsync(leader.Node, ["ha-raft handover"], cancellationToken);
            if (result.ExitCode != 0)
            {
                return (false, $"ha-raft handover on {leader.Node.Resource.Name} failed (exit code {result.ExitCode}): {result.Output}");
            }

            var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(20);
            while (time.GetUtcNow() < deadline)
            {
                var views = await PollAsync(cancellationToken);
                if (views.FirstOrDefault(v => v.Status?.Role == RaftStatus.LeaderRole) is { } now && now.Node != leader.Node && IsFormed(views))
                {
                    _last = views;
                    await dashboard.ClusterAsync(cluster, plan, views, formed: true);
                    return (true, $"{now.Node.Resource.Name} leads cluster {cluster.Name} now, after {leader.Node.Resource.Name} handed over.");
                }

                await Task.Delay(FormingPoll, time, cancellationToken);
            }

            return (false, $"{leader.Node.Resource.Name} accepted ha-raft handover, but no other node led cluster {cluster.Name} within 20 s. See its raft.log.");
        }
        finally
        {
            _commands.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var session in _sessions.Values)
        {
            session.Dispose();
        }

        _sessions.Clear();
        _commands.Dispose();
        _poll.Dispose();
        await Task.CompletedTask;
    }

    /// <summary>Every node runs and says it is in no cluster yet, and no create-cluster is pending.</summary>
    private bool ShouldCreate(IReadOnlyList<RaftNodeView> views) =>
        views.All(v => v.Running && v.Status?.Role == RaftStatus.StalledRole)
        && (_createdAt is not { } at || time.GetElapsedTime(at) >= CreateRetry);

    /// <summary>One leader, every other node a follower.</summary>
    private static bool IsFormed(IReadOnlyList<RaftNodeView> views) =>
        views.All(v => v.Status?.IsJoined == true) && views.Count(v => v.Status!.Role == RaftStatus.LeaderRole) == 1;

    private async Task CreateAsync(IReadOnlyList<RaftNodeView> views, CancellationToken cancellationToken)
    {
        await _commands.WaitAsync(cancellationToken);
        try
        {
            _createdAt = time.GetTimestamp();
            var leader = views.Single(v => v.Node.Ordinal == plan.Members[0].Ordinal).Node;
            var (release, all) = NodesOf(leader);
            var command = RaftMembers.CreateClusterCommand(all, all[0]);
            logger.LogInformation("Creating HA Raft cluster {Cluster} on {Leader}: {Command}", cluster.Name, leader.Resource.Name, command);
            var result = await RunCliAsync(leader, [command], cancellationToken);
            if (result.ExitCode != 0)
            {
                logger.LogWarning("ha-raft create-cluster on {Leader} (NSO {Release}) failed with exit code {ExitCode}; trying again in {Retry} s: {Output}", leader.Resource.Name, release, result.ExitCode, CreateRetry.TotalSeconds, result.Output);
            }
        }
        finally
        {
            _commands.Release();
        }
    }

    private (Ipc.NsoRelease Release, IReadOnlyList<RaftNode> Nodes) NodesOf(RaftNodeHandle node)
    {
        var engine = node.Resource.Published().Engine ?? throw new UnreachableException($"{node.Resource.Name} runs without an engine.");
        return (engine.Version, plan.NodesFor(engine.Version));
    }

    private async Task<ProcessResult> RunCliAsync(RaftNodeHandle node, IReadOnlyList<string> commands, CancellationToken cancellationToken)
    {
        var published = node.Resource.Published();
        var spec = NcsCliCommandLine.Of(published.Engine!).Run(commands, published.Plan!.ControlEnvironment);
        try
        {
            return await runner.RunAsync(spec, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A missing or unrunnable ncs_cli is a result to report, not the end of the watch.
            return new ProcessResult(127, "", $"{spec.FileName} could not be run: {ex.Message}");
        }
    }

    /// <summary>All nodes at once; one poll at a time, since a NETCONF session serves one request at a time.</summary>
    private async Task<IReadOnlyList<RaftNodeView>> PollAsync(CancellationToken cancellationToken)
    {
        await _poll.WaitAsync(cancellationToken);
        try
        {
            return await Task.WhenAll(nodes.Select(node => ReadAsync(node, cancellationToken)));
        }
        finally
        {
            _poll.Release();
        }
    }

    private async Task<RaftNodeView> ReadAsync(RaftNodeHandle node, CancellationToken cancellationToken)
    {
        var name = node.Resource.Name;
        if (!node.IsRunning())
        {
            Forget(name);
            return new RaftNodeView(node, false, null, "not running");
        }

        try
        {
            if (!_sessions.TryGetValue(name, out var session))
            {
                var target = DeviceOnboarding.TargetOf(node.Resource.Published().Plan!)! with { Timeout = StatusTimeout };
                session = await northbound.OpenAsync(target, cancellationToken);
                _sessions[name] = session;
            }

            var status = RaftStatus.FromReply(await session.RpcAsync(RaftStatus.Query(), cancellationToken));
            return new RaftNodeView(node, true, status, status is null ? "its NETCONF shows no /ha-raft/status" : null);
        }
        catch (NorthboundException ex)
        {
            Forget(name);
            return new RaftNodeView(node, true, null, ex.Message);
        }
    }

    private void Forget(string name)
    {
        if (_sessions.TryRemove(name, out var session))
        {
            session.Dispose();
        }
    }

    /// <summary>Role changes in the cluster's log: a failover shows as the old leader gone and a new one.</summary>
    private void ReportChanges(IReadOnlyList<RaftNodeView> before, IReadOnlyList<RaftNodeView> now)
    {
        if (before.Count == 0)
        {
            return;
        }

        foreach (var view in now)
        {
            var was = before.FirstOrDefault(b => b.Node == view.Node);
            var role = RoleText(view);
            if (was is not null && RoleText(was) != role)
            {
                logger.LogInformation("{Node}: {Before} -> {After}", view.Node.Resource.Name, RoleText(was), role);
            }
        }
    }

    internal static string RoleText(RaftNodeView view) => view.Status?.Role ?? (view.Running ? "unknown" : "stopped");

    private static string LeaderName(IReadOnlyList<RaftNodeView> views) =>
        views.FirstOrDefault(v => v.Status?.Role == RaftStatus.LeaderRole)?.Node.Resource.Name ?? "none";
}

using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Raft;
using NsoDev.Hosting.Ready;
using NsoDev.Hosting.Serve;
using NsoDev.Hosting.Stop;

namespace NsoDev.Hosting.Orchestration;

/// <summary>
/// All NSO instances of one app host. It only puts the steps in order: before start, stop orphans,
/// plan, locate engines; then start each instance on its own; on shutdown stop them all (a hosted
/// service, so Ctrl-C is handled in one place).
/// </summary>
internal sealed class NsoFleet(
    IProcessRunner runner,
    INorthboundConnector northbound,
    NsoDashboard dashboard,
    RaftDashboard raftDashboard,
    ResourceLoggerService loggers,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<NsoFleet> logger) : IHostedService, IDisposable
{
    private readonly Lock _stopGate = new();
    private Task? _stopAll;
    private readonly ConcurrentDictionary<string, NsoInstanceRunner> _runners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EngineChoice, Lazy<Task<NcsEngine>>> _engines = new();
    private readonly ConcurrentDictionary<string, string> _engineFailures = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<string, (NsoRaftClusterResource Cluster, RaftClusterFormation Formation, Task Watch)> _clusters = new(StringComparer.Ordinal);
    private PortLease? _lease;
    private int _stopOnRequest;

    /// <summary>Stops daemons orphaned by a killed app host, plans every instance at once, and locates each engine.</summary>
    public async Task PrepareAsync(IReadOnlyList<NsoResource> resources, string runRoot, NcsConfTemplate defaultTemplate, NsoPlanner planner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        ArgumentNullException.ThrowIfNull(planner);
        if (resources.Count == 0)
        {
            return;
        }

        StopOnRequest();

        if (!runner.StartsDaemonsInOwnSession)
        {
            logger.LogWarning("util-linux setsid is not installed, so NSO's daemons run in this terminal's session: Ctrl-C will reach them as SIGINT, which NSO must not get (it would leave CDB files unclosed). Install util-linux (setsid), or stop the app host with `kill -TERM` instead of Ctrl-C. A persistent instance does not outlive a Ctrl-C there either.");
        }

        var leftRunning = await StopOrKeepLeftRunningAsync(resources, runRoot, cancellationToken);
        var (plans, lease) = planner.Plan(resources, runRoot, defaultTemplate, leftRunning);
        _lease = lease;
        foreach (var (resource, plan) in resources.Zip(plans))
        {
            resource.Published().Plan = plan;
            NsoEndpoints.Allocate(resource, plan);
            NsoEndpoints.AllocateDevices(resource, plan);
            logger.LogDebug("Planned {Name}: IPC {Ipc}, {Ports}", resource.Name, plan.Ipc, string.Join(", ", plan.Ports.Ports.Select(p => $"{p.Key} {p.Value}")));
        }

        // Before any dependent's environment is built, so its connection string carries the engine's release.
        await Task.WhenAll(resources.Select(LocateEngineAsync));
        await PrepareClustersAsync(resources);
    }

    /// <summary>The formation of an HA Raft cluster, for its dashboard commands; null before planning or when it failed.</summary>
    public RaftClusterFormation? GetFormation(NsoRaftClusterResource cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return _clusters.TryGetValue(cluster.Name, out var entry) ? entry.Formation : null;
    }

    /// <summary>
    /// Once the engines are known: each cluster's nodes checked as NSO would check them (one release, 6.1 or
    /// later, valid ha-raft sections), its leader endpoints allocated, and its formation started, which waits
    /// for the nodes to run. A cluster that cannot be formed fails its nodes with the reason, before they start.
    /// </summary>
    private async Task PrepareClustersAsync(IReadOnlyList<NsoResource> resources)
    {
        var clusters = resources.Select(r => r.Declaration().Raft?.Cluster).OfType<NsoRaftClusterResource>().Distinct();
        foreach (var cluster in clusters)
        {
            var members = cluster.Nodes.Where(resources.Contains).ToList();
            var clusterPlan = members.Select(m => m.PlanOrNull()?.Raft?.Cluster).FirstOrDefault(p => p is not null);
            if (clusterPlan is null || members.Any(m => _engineFailures.ContainsKey(m.Name)))
            {
                await raftDashboard.FailedAsync(cluster, "A node has no engine; see the nodes' logs.");
                continue;
            }

            var problem = RaftEngineProblem(cluster, members);
            if (problem is not null)
            {
                loggers.GetLogger(cluster).LogError("{Reason}", problem);
                foreach (var member in members)
                {
                    _engineFailures[member.Name] = problem;
                    member.Published().Engine = null;
                }

                await raftDashboard.FailedAsync(cluster, problem);
                continue;
            }

            NsoEndpoints.AllocateCluster(cluster, clusterPlan);
            // The planner reads this at the next start, so the leader keeps its endpoints while they are free.
            new RunDirectory(clusterPlan.ClusterDirectory).WriteState(RunState.From(clusterPlan.LeaderPorts, pid: null, executable: null, new Dictionary<string, string?>()));
            var handles = members.Select(m => new RaftNodeHandle(m, m.Declaration().Raft!.Ordinal, () => GetRunner(m)?.IsRunning == true)).ToList();
            var formation = new RaftClusterFormation(cluster, clusterPlan, handles, runner, northbound, raftDashboard, loggers.GetLogger(cluster), timeProvider);
            _clusters[cluster.Name] = (cluster, formation, Task.Run(() => formation.RunAsync(_stopping.Token)));
        }
    }

    /// <summary>Why the nodes' engines cannot form the cluster, or null when they can.</summary>
    private static string? RaftEngineProblem(NsoRaftClusterResource cluster, List<NsoResource> members)
    {
        var releases = members.Select(m => (m.Name, m.Published().Engine!.Version)).ToList();
        if (releases.Select(r => r.Version).Distinct().Count() > 1)
        {
            return $"The nodes of HA Raft cluster '{cluster.Name}' run different NSO releases ({string.Join(", ", releases.Select(r => $"{r.Name} {r.Version}"))}); every member of a cluster must run the same release. Give all nodes the same installation.";
        }

        var release = releases[0].Version;
        if (release < RaftNode.HaRaftSince)
        {
            return $"HA Raft cluster '{cluster.Name}' needs NSO {RaftNode.HaRaftSince} or later (its ncs.conf section and ha-primary-listen came then), but its nodes run {release}. Use a newer NSO installation.";
        }

        try
        {
            _ = members[0].PlanOrNull()!.Raft!.Cluster.NodesFor(release);
            return null;
        }
        catch (RaftConfException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Starts one instance; every failure ends up on its dashboard entry, never in the caller.</summary>
    public async Task StartInstanceAsync(NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);

        // Aspire raises the event for one resource after another, each handler running until its first
        // await; materializing and spawning run synchronously for tens of milliseconds, so without this
        // yield the instances would start one by one. The start goes on on the thread pool.
        await Task.Yield();
        try
        {
            if (GetRunner(resource) is { } instance)
            {
                await dashboard.BeforeStartAsync(resource, _stopping.Token);
                await instance.StartAsync(_stopping.Token);
            }
            else if (_engineFailures.TryGetValue(resource.Name, out var reason))
            {
                await dashboard.FailedToStartAsync(resource, reason);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The app host is stopping; StopAll reports the instance.
        }
        catch (Exception ex)
        {
            loggers.GetLogger(resource).LogError(ex, "NSO instance {Name} could not be started", resource.Name);
            await dashboard.FailedToStartAsync(resource, $"NsoDev could not start it: {ex.Message}");
        }
    }

    /// <summary>The runner of an instance; null when it has no plan or no engine could be found.</summary>
    public NsoInstanceRunner? GetRunner(NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_runners.TryGetValue(resource.Name, out var existing))
        {
            return existing;
        }

        var published = resource.Published();
        if (published.Plan is not { } plan || published.Engine is not { } engine)
        {
            return null;
        }

        return _runners.GetOrAdd(resource.Name, _ => new NsoInstanceRunner(resource, plan, engine, runner, new ReadinessWaiter(runner, timeProvider), northbound, dashboard, loggers.GetLogger(resource), timeProvider, DeviceLogger(resource)));
    }

    /// <summary>A device name of the instance to the log of its own resource, where its log files are followed.</summary>
    private Func<string, ILogger> DeviceLogger(NsoResource resource) =>
        device => loggers.GetLogger(resource.Declaration().DeviceResources.Single(d => d.DeviceName == device));

    /// <summary>Stopping begins as soon as the app host is asked to stop (Ctrl-C), not after Aspire's own shutdown.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        StopOnRequest();
        return Task.CompletedTask;
    }

    /// <summary>Stops every instance with <c>ncs --stop</c>, in parallel, except persistent ones, which are left running; then frees the leased ports.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopAll();

    public void Dispose()
    {
        foreach (var instance in _runners.Values)
        {
            instance.Dispose();
        }

        _lease?.Dispose();
        _stopping.Dispose();
    }

    /// <summary>
    /// Daemons earlier app hosts left running: a session instance's is stopped (its app host was killed),
    /// a persistent instance's is kept, by instance name, to be adopted at its start.
    /// </summary>
    private async Task<Dictionary<string, LeftRunningDaemon>> StopOrKeepLeftRunningAsync(IReadOnlyList<NsoResource> resources, string runRoot, CancellationToken cancellationToken)
    {
        var found = resources
            .Select(r => (Resource: r, RunDirectory: NsoPlanner.RunDirectoryOf(r, runRoot)))
            .Select(x => (x.Resource, x.RunDirectory, Daemon: OrphanedDaemon.Find(x.RunDirectory)))
            .Where(x => x.Daemon is not null)
            .ToList();
        var kept = found.Where(x => x.Resource.Declaration().Lifetime == Lifetime.Persistent).ToDictionary(x => x.Resource.Name, x => x.Daemon!);
        foreach (var (name, daemon) in kept)
        {
            logger.LogInformation("Found daemon {Pid} of persistent NSO instance {Name} still running; it is adopted if it runs with this app host's plan", daemon.Pid, name);
        }

        var orphans = new OrphanedDaemon(runner, logger);
        await Task.WhenAll(found.Where(x => !kept.ContainsKey(x.Resource.Name)).Select(x => orphans.StopAsync(x.RunDirectory, x.Daemon!, "from an earlier app host", cancellationToken)));

        // A kept daemon keeps its devices running too; any other instance's devices left running are stopped.
        var devices = new OrphanedNetsimDevices(runner, logger);
        await Task.WhenAll(resources
            .Where(r => !kept.ContainsKey(r.Name))
            .Select(r => NsoPlanner.RunDirectoryOf(r, runRoot))
            .Where(OrphanedNetsimDevices.MayRun)
            .Select(d => devices.StopAsync(d, cancellationToken)));
        return kept;
    }

    private async Task LocateEngineAsync(NsoResource resource)
    {
        var choice = resource.PlanOrNull()?.Engine ?? new EngineChoice.Automatic();
        try
        {
            var locate = _engines.GetOrAdd(choice, c => new(() => new NcsEngineLocator(runner).LocateAsync(c, _stopping.Token)));
            resource.Published().Engine = await locate.Value;
        }
        catch (NsoEngineException ex)
        {
            loggers.GetLogger(resource).LogError("{Reason}", ex.Message);
            _engineFailures[resource.Name] = ex.Message;
        }
    }

    /// <summary>
    /// Stopping begins on the stop request (Ctrl-C) itself, registered before any instance starts: the
    /// fleet's own StartAsync comes only after Aspire's orchestrator has started the instances.
    /// </summary>
    private void StopOnRequest()
    {
        if (Interlocked.Exchange(ref _stopOnRequest, 1) == 0)
        {
            lifetime.ApplicationStopping.Register(() => StopAll());
        }
    }

    private Task StopAll()
    {
        lock (_stopGate)
        {
            return _stopAll ??= StopAllCoreAsync();
        }
    }

    private async Task StopAllCoreAsync()
    {
        await _stopping.CancelAsync();
        foreach (var (_, formation, watch) in _clusters.Values)
        {
            await watch;
            await formation.DisposeAsync();
        }

        await Task.WhenAll(_runners.Values.Select(r => r.ShutdownAsync(CancellationToken.None)));
        foreach (var (cluster, _, _) in _clusters.Values)
        {
            await raftDashboard.StoppedAsync(cluster);
        }
        foreach (var (name, pid) in _runners.Where(r => r.Value.LeftRunningPid is not null).Select(r => (r.Key, r.Value.LeftRunningPid)))
        {
            // On the console too: after Ctrl-C the user should know an NSO still runs, and how to stop it.
            logger.LogInformation("NSO instance {Name} is left running (pid {Pid}, persistent lifetime); the next app host adopts it. Stop it with `{StopByHand}`", name, pid, _runners[name].StopByHand);
        }

        _lease?.Dispose();
        _lease = null;
    }
}

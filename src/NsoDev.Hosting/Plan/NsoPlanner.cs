using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Raft;
using NsoDev.Hosting.Stop;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Plan;

/// <summary>
/// The plan step (DESIGN: plan): turns every instance's complete declaration into a complete plan at
/// once: ports under the machine-wide lease lock, the IPC endpoint and socket path, the secret file,
/// the run directory, the template, and the settings every later step reads.
/// </summary>
internal sealed class NsoPlanner(IPortProbe probe, PortLeases leases)
{
    public NsoPlanner()
        : this(new TcpPortProbe(), PortLeases.ForCurrentUser())
    {
    }

    /// <summary>The run directory an instance uses: its own, or RUN_ROOT/NAME.</summary>
    public static RunDirectory RunDirectoryOf(NsoResource resource, string runRoot) =>
        new(resource.Declaration().RunDirectory ?? Path.Combine(runRoot, resource.Name));

    /// <summary>
    /// Plans every instance; the lease holds the ports until it is disposed. A daemon in
    /// <paramref name="leftRunning"/> (by instance name) may be adopted, so its ports count as free for its instance.
    /// </summary>
    /// <exception cref="NsoDeclarationException">A declaration breaks a rule.</exception>
    /// <exception cref="PortPlanningException">No valid port plan exists.</exception>
    public (IReadOnlyList<NsoInstancePlan> Plans, PortLease Lease) Plan(IReadOnlyList<NsoResource> resources, string runRoot, NcsConfTemplate defaultTemplate, IReadOnlyDictionary<string, LeftRunningDaemon>? leftRunning = null)
    {
        ArgumentNullException.ThrowIfNull(resources);
        leftRunning ??= new Dictionary<string, LeftRunningDaemon>();
        foreach (var resource in resources)
        {
            DeclarationRules.CheckComplete(resource);
        }

        var runDirectories = resources.Select(r => RunDirectoryOf(r, runRoot)).ToList();
        var requests = resources.Zip(runDirectories, (r, d) => new InstancePortRequest(
            r.Name,
            r.Declaration().PortRequests(),
            d.ReadState()?.PlannedPorts,
            HeldByOwn(leftRunning.GetValueOrDefault(r.Name), d),
            r.Declaration().Netsim.Sum(n => n.Count),
            d.ReadNetsimRecord()?.Ports,
            // A cluster's leader endpoints get NSO's stock ports, as in Cisco's example; its nodes their blocks.
            StockPortsFirst: r.Declaration().Raft is null ? null : false)).ToList();

        // Each cluster's ha-primary-listen ports, after the instances, so that no instance's block moves.
        var clusters = resources.Select(r => r.Declaration().Raft?.Cluster).OfType<NsoRaftClusterResource>().Distinct().ToList();
        var clusterDirectories = clusters.Select(c => ClusterDirectoryOf(c, runRoot)).ToList();
        requests.AddRange(clusters.Zip(clusterDirectories, (c, d) => new InstancePortRequest(
            c.Name,
            new Dictionary<NsoPortKind, int?> { [NsoPortKind.Netconf] = null, [NsoPortKind.Cli] = null },
            d.ReadState()?.PlannedPorts,
            StockPortsFirst: true)));
        IReadOnlyList<InstancePorts>? planned = null;
        var lease = leases.Plan(leased =>
        {
            planned = new PortPlanner(probe).Plan(requests, leased);
            return planned.SelectMany(p => p.All);
        });

        try
        {
            var clusterPlans = clusters.Select((cluster, i) => PlanCluster(cluster, clusterDirectories[i], planned![resources.Count + i], resources, planned!)).ToList();
            return ([.. resources.Select((r, i) => PlanOne(r, runDirectories[i], planned![i], defaultTemplate) with
            {
                LeftRunning = leftRunning.GetValueOrDefault(r.Name),
                Raft = r.Declaration().Raft is { } membership ? new RaftNodePlan(clusterPlans[clusters.IndexOf(membership.Cluster)], membership.Ordinal) : null,
            })], lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>A cluster's folder: its CA and its planned leader ports, beside its nodes' run directories.</summary>
    public static RunDirectory ClusterDirectoryOf(NsoRaftClusterResource cluster, string runRoot) => new(Path.Combine(runRoot, cluster.Name));

    private static RaftClusterPlan PlanCluster(NsoRaftClusterResource cluster, RunDirectory directory, InstancePorts leaderPorts, IReadOnlyList<NsoResource> resources, IReadOnlyList<InstancePorts> planned)
    {
        var members = cluster.Nodes
            .Select(node => (Node: node, Index: resources.ToList().IndexOf(node)))
            .Where(n => n.Index >= 0)
            .Select(n => new RaftMemberPorts(n.Node.Declaration().Raft!.Ordinal, n.Node.Name, planned[n.Index][NsoPortKind.HaRaft]))
            .ToList();
        return new RaftClusterPlan(
            cluster.Name,
            directory.Path,
            members,
            new RaftPrimaryListen(NsoDeclaration.LoopbackAddress, leaderPorts[NsoPortKind.Netconf], leaderPorts[NsoPortKind.Cli], WebUiPort: null));
    }

    /// <summary>A kept daemon's ports, and its devices' (a persistent instance leaves them running with it).</summary>
    private static HashSet<int>? HeldByOwn(LeftRunningDaemon? daemon, RunDirectory runDirectory) =>
        daemon is null ? null : [.. daemon.Ports, .. runDirectory.ReadNetsimRecord()?.Ports?.All ?? []];

    private static NsoInstancePlan PlanOne(NsoResource resource, RunDirectory runDirectory, InstancePorts ports, NcsConfTemplate defaultTemplate)
    {
        var declaration = resource.Declaration();
        NsoIpcEndpoint ipc = declaration.Ipc switch
        {
            IpcDeclaration.Tcp tcp => new NsoIpcEndpoint.Tcp(tcp.Address, ports[NsoPortKind.Ipc]),
            IpcDeclaration.UnixSocket unix => new NsoIpcEndpoint.UnixSocket(unix.Path ?? IpcSocketPaths.Default(resource.Name, runDirectory.Path)),
            _ => throw new InvalidOperationException($"Unknown IPC mode for '{resource.Name}'."),
        };
        if (ipc is NsoIpcEndpoint.UnixSocket socket)
        {
            IpcSocketPaths.EnsureFits(socket.Path, resource.Name);
        }

        return new NsoInstancePlan
        {
            Name = resource.Name,
            Engine = declaration.Engine,
            Ipc = ipc,
            Ports = ports,
            RunDirectory = runDirectory,
            Template = declaration.Template ?? defaultTemplate,
            AccessFile = declaration.AccessCheck is null ? null : runDirectory.SecretFile,
            AccessSecret = declaration.AccessCheck?.Secret,
            NorthboundAddress = declaration.NorthboundAddress,
            // A NED goes on the load path as any package does; ncs-setup --netsim-dir links it too (NSO-NOTES §9).
            Packages = [.. declaration.Packages.Concat(declaration.Netsim.Select(n => n.Package)).Distinct(StringComparer.Ordinal)],
            Netsim = ports.Netsim is { } netsim ? new NetsimPlan([.. declaration.Netsim], netsim, runDirectory.NetsimDirectory) : null,
            DataPersistence = declaration.DataPersistence,
            StartupTimeout = declaration.StartupTimeout,
            StopTimeout = declaration.StopTimeout,
            Lifetime = declaration.Lifetime,
        };
    }
}

using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Raft;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>The materialize step: lays out an instance's runtime directory and writes its ncs.conf, secret, env.sh and state from the plan.</summary>
internal static class InstanceMaterializer
{
    public static async Task MaterializeAsync(NsoInstancePlan plan, NcsEngine engine, CancellationToken cancellationToken, TimeProvider? time = null)
    {
        var conf = RenderNcsConf(plan, engine);

        var run = plan.RunDirectory;
        run.Create();
        if (!plan.DataPersistence)
        {
            run.Reset();
        }

        run.LinkPackages(plan.Packages);
        if (plan.AccessFile is not null)
        {
            var secret = await SecretAsync(plan, cancellationToken) ?? IpcSecretFile.Generate();
            IpcSecretFile.Validate(secret, plan.AccessSecret is { } p ? $"parameter '{p.Name}'" : "the generator");
            IpcSecretFile.Write(plan.AccessFile, secret);
        }

        if (plan.Ipc is NsoIpcEndpoint.UnixSocket unix)
        {
            UserRuntimeDirectory.CreatePrivate(Path.GetDirectoryName(unix.Path)!);
        }

        if (plan.Raft is { } raft)
        {
            EnsureRaftTls(plan, raft, engine, time ?? TimeProvider.System);
        }

        NcsConfWriter.Write(conf, run.NcsConf);
        var environment = DaemonEnvironment(plan, engine);
        run.WriteState(RunState.From(plan.Ports.Ports, pid: null, engine.Executable, environment));
        WriteShellFiles(plan, engine, environment);
    }

    /// <summary>
    /// What people use by hand: env.sh and, on the simulator, bin/ncs (a link to nso-sim, which env.sh
    /// puts first on PATH). Written at every start, an adopted daemon's included.
    /// </summary>
    public static void WriteShellFiles(NsoInstancePlan plan, NcsEngine engine, IReadOnlyDictionary<string, string?>? daemonEnvironment = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        var run = plan.RunDirectory;
        run.WriteNcsShim(engine.IsSimulator ? engine.Executable : null);
        run.WriteEnvScript(plan.Name, (daemonEnvironment ?? DaemonEnvironment(plan, engine)).Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!), ncsShim: engine.IsSimulator);
    }

    /// <summary>
    /// What a daemon left running by an earlier app host would run with differently, were it started
    /// from this plan now: engine, environment, ncs.conf, packages, secret. Empty means it can be adopted.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ChangesSinceAsync(NsoInstancePlan plan, NcsEngine engine, RunState earlier, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(earlier);
        var changes = new List<string>();
        if (earlier.Executable != engine.Executable)
        {
            changes.Add($"the engine is now {engine.Executable}, not {earlier.Executable}");
        }

        var environment = DaemonEnvironment(plan, engine);
        var changed = environment.Keys.Union(earlier.Environment.Keys)
            .Where(name => environment.GetValueOrDefault(name) != earlier.Environment.GetValueOrDefault(name))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (changed.Count > 0)
        {
            changes.Add($"its environment differs in {string.Join(", ", changed)}");
        }

        var run = plan.RunDirectory;
        if (!File.Exists(run.NcsConf) || File.ReadAllText(run.NcsConf) != RenderNcsConf(plan, engine))
        {
            changes.Add("ncs.conf would be written differently (ports, listeners, IPC or template changed)");
        }

        if (plan.Packages.FirstOrDefault(p => !run.IsLinked(p)) is { } package)
        {
            changes.Add($"package {package} is not linked yet");
        }

        if (!NetsimMaterializer.IsUpToDate(plan, engine))
        {
            changes.Add("its netsim devices, their ports or the ncs-netsim changed");
        }

        if (plan.AccessFile is { } accessFile)
        {
            // A generated secret stays; one from a parameter must still be the file's.
            if (!File.Exists(accessFile))
            {
                changes.Add("its IPC secret file is missing");
            }
            else if (await SecretAsync(plan, cancellationToken) is { } secret && secret != File.ReadAllText(accessFile))
            {
                changes.Add($"the IPC secret parameter '{plan.AccessSecret!.Name}' has another value");
            }
        }

        return changes;
    }

    /// <summary>The daemon's environment: the IPC variables (honoured at start by 6.5 and later), sname, NCS_DIR, and the engine's own (nso-sim's release), so env.sh reaches the same daemon.</summary>
    public static IReadOnlyDictionary<string, string?> DaemonEnvironment(NsoInstancePlan plan, NcsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        var environment = new Dictionary<string, string?>(plan.ControlEnvironment)
        {
            ["sname"] = plan.Sname,
        };
        foreach (var (name, value) in engine.Environment)
        {
            environment[name] = value;
        }

        environment["NCS_DIR"] = engine.InstallationDirectory;
        return environment;
    }

    /// <summary>The ncs.conf text the plan gives for this engine's band.</summary>
    private static string RenderNcsConf(NsoInstancePlan plan, NcsEngine engine)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        var template = NcsConfWriter.LoadTemplate(plan.Template.PathFor(engine.Version));
        return NcsConfWriter.ToText(NcsConfWriter.Apply(template, new NcsConfSettings
        {
            Version = engine.Version,
            Ipc = plan.Ipc,
            AccessFile = plan.AccessFile,
            Netconf = Listener(plan, NsoPortKind.Netconf),
            Cli = Listener(plan, NsoPortKind.Cli),
            WebUi = Listener(plan, NsoPortKind.WebUi),
            Raft = plan.Raft?.NodeFor(engine.Version),
        }));
    }

    /// <summary>
    /// The node's <c>ha-tls/</c> files, which its ncs.conf names and NSO refuses to start without (TLS is never
    /// turned off): made from the cluster's CA, or kept from an earlier run while still good (NSO-NOTES §13).
    /// </summary>
    public static RaftTlsNodeFiles EnsureRaftTls(NsoInstancePlan plan, RaftNodePlan raft, NcsEngine engine, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(raft);
        ArgumentNullException.ThrowIfNull(engine);
        var node = raft.NodeFor(engine.Version);
        return RaftTlsFiles.EnsureNode(raft.Cluster.ClusterDirectory, raft.Cluster.ClusterName, plan.RunDirectory.Path, node.Address.ToString(), engine.Version, time);
    }

    /// <summary>The secret from the plan's parameter; null when it is generated.</summary>
    private static async Task<string?> SecretAsync(NsoInstancePlan plan, CancellationToken cancellationToken) =>
        plan.AccessSecret is { } parameter ? await parameter.GetValueAsync(cancellationToken) ?? string.Empty : null;

    private static ListenerSettings Listener(NsoInstancePlan plan, NsoPortKind kind) =>
        plan.PortOf(kind) is int port
            ? new ListenerSettings(true, plan.NorthboundAddress, port)
            : new ListenerSettings(false, plan.NorthboundAddress, kind.StockPort());
}

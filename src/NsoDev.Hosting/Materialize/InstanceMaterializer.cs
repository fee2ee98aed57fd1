using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>The materialize step: lays out an instance's runtime directory and writes its ncs.conf, secret, env.sh and state from the plan.</summary>
internal static class InstanceMaterializer
{
    public static async Task MaterializeAsync(NsoInstancePlan plan, NcsEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);

        var template = NcsConfWriter.LoadTemplate(plan.Template.PathFor(engine.Version));
        var conf = NcsConfWriter.Apply(template, new NcsConfSettings
        {
            Version = engine.Version,
            Ipc = plan.Ipc,
            AccessFile = plan.AccessFile,
            Netconf = Listener(plan, NsoPortKind.Netconf),
            Cli = Listener(plan, NsoPortKind.Cli),
            WebUi = Listener(plan, NsoPortKind.WebUi),
        });

        var run = plan.RunDirectory;
        run.Create();
        if (!plan.DataPersistence)
        {
            run.Reset();
        }

        run.LinkPackages(plan.Packages);
        if (plan.AccessFile is not null)
        {
            var secret = plan.AccessSecret is { } parameter
                ? await parameter.GetValueAsync(cancellationToken) ?? string.Empty
                : IpcSecretFile.Generate();
            IpcSecretFile.Validate(secret, plan.AccessSecret is { } p ? $"parameter '{p.Name}'" : "the generator");
            IpcSecretFile.Write(plan.AccessFile, secret);
        }

        if (plan.Ipc is NsoIpcEndpoint.UnixSocket unix)
        {
            UserRuntimeDirectory.CreatePrivate(Path.GetDirectoryName(unix.Path)!);
        }

        NcsConfWriter.Save(conf, run.NcsConf);
        var environment = DaemonEnvironment(plan, engine);
        run.WriteState(RunState.From(plan.Ports.Ports, pid: null, engine.Executable, environment));
        run.WriteEnvScript(plan.Name, environment.Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!));
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

    private static ListenerSettings Listener(NsoInstancePlan plan, NsoPortKind kind) =>
        plan.PortOf(kind) is int port
            ? new ListenerSettings(true, plan.NorthboundAddress, port)
            : new ListenerSettings(false, plan.NorthboundAddress, kind.StockPort());
}

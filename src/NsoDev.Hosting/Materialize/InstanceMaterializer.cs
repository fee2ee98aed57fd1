using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Lifecycle;
using NsoDev.Hosting.Planning;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Materialize;

/// <summary>Lays out an instance's runtime directory and writes its ncs.conf, secret, env.sh and planned ports from the plan.</summary>
internal static class InstanceMaterializer
{
    public static async Task MaterializeAsync(NsoInstancePlan plan, NsoInstanceSettings settings, NcsEngine engine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(engine);

        var template = NcsConfWriter.LoadTemplate(plan.Template.PathFor(engine.Version));
        var conf = NcsConfWriter.Apply(template, new NcsConfSettings
        {
            Version = engine.Version,
            Ipc = plan.Ipc,
            AccessFile = plan.AccessFile,
            Netconf = Listener(plan, NsoPortKind.Netconf, settings.NorthboundAddress),
            Cli = Listener(plan, NsoPortKind.Cli, settings.NorthboundAddress),
            WebUi = Listener(plan, NsoPortKind.WebUi, settings.NorthboundAddress),
        });

        var run = plan.RunDirectory;
        run.Create();
        if (!settings.DataPersistence)
        {
            run.Reset();
        }

        run.LinkPackages(settings.Packages);
        if (plan.AccessFile is not null)
        {
            var secret = settings.AccessCheck?.Secret is { } parameter
                ? await parameter.GetValueAsync(cancellationToken) ?? string.Empty
                : IpcSecretFile.Generate();
            IpcSecretFile.Validate(secret, settings.AccessCheck?.Secret is { } p ? $"parameter '{p.Name}'" : "the generator");
            IpcSecretFile.Write(plan.AccessFile, secret);
        }

        if (plan.Ipc is NsoIpcEndpoint.UnixSocket unix)
        {
            UserRuntimeDirectory.CreatePrivate(Path.GetDirectoryName(unix.Path)!);
        }

        NcsConfWriter.Save(conf, run.NcsConf);
        run.WritePlannedPorts(plan.Ports.Ports);
        run.WriteEnvScript(plan.Name, DaemonEnvironment(plan, engine).Where(e => e.Value is not null).ToDictionary(e => e.Key, e => e.Value!));
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

    private static ListenerSettings Listener(NsoInstancePlan plan, NsoPortKind kind, string address) =>
        plan.Ports.Ports.TryGetValue(kind, out var port)
            ? new ListenerSettings(true, address, port)
            : new ListenerSettings(false, address, kind.StockPort());
}

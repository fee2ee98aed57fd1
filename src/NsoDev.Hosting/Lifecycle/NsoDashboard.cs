using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Planning;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>Publishes an instance's state, URLs and properties to the Aspire dashboard.</summary>
internal sealed class NsoDashboard(ResourceNotificationService notifications, TimeProvider timeProvider)
{
    public const string ResourceType = "NSO";

    /// <summary>The property that holds why an instance failed to start.</summary>
    public const string FailureProperty = "nso.failure";

    public static CustomResourceSnapshot InitialSnapshot() => new()
    {
        ResourceType = ResourceType,
        State = KnownResourceStates.NotStarted,
        Properties = [],
    };

    public Task StartingAsync(NsoResource resource, NcsEngine engine) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            CreationTimeStamp = s.CreationTimeStamp ?? timeProvider.GetUtcNow().UtcDateTime,
            State = KnownResourceStates.Starting,
            StartTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            StopTimeStamp = null,
            ExitCode = null,
            Properties = Merge(s.Properties, PlanProperties(resource, engine)),
            Urls = Urls(resource, active: false),
        });

    public Task RunningAsync(NsoResource resource, NcsEngine engine, int pid) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            State = KnownResourceStates.Running,
            Properties = Merge(s.Properties, [.. PlanProperties(resource, engine), new("nso.pid", pid.ToString(CultureInfo.InvariantCulture)) { DisplayName = "PID" }]),
            Urls = Urls(resource, active: true),
        });

    public Task RestartingAsync(NsoResource resource, int attempt, int maxAttempts, TimeSpan delay) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            State = new ResourceStateSnapshot($"Restarting ({attempt}/{maxAttempts}) in {delay.TotalSeconds:0} s", KnownResourceStateStyles.Warn),
            Properties = Merge(s.Properties, [new("nso.restarts", attempt.ToString(CultureInfo.InvariantCulture)) { DisplayName = "Crash restarts" }]),
        });

    public Task StoppingAsync(NsoResource resource) =>
        notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Stopping });

    public Task StoppedAsync(NsoResource resource, int exitCode, bool expected) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            State = expected
                ? new ResourceStateSnapshot(KnownResourceStates.Finished, KnownResourceStateStyles.Info)
                : new ResourceStateSnapshot(KnownResourceStates.Exited, KnownResourceStateStyles.Error),
            ExitCode = exitCode,
            StopTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            Urls = Urls(resource, active: false),
        });

    public Task FailedToStartAsync(NsoResource resource, string reason) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            State = new ResourceStateSnapshot(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error),
            StopTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            Properties = Merge(s.Properties, [new(FailureProperty, reason) { DisplayName = "Failure" }]),
            Urls = Urls(resource, active: false),
        });

    private static ImmutableArray<ResourcePropertySnapshot> PlanProperties(NsoResource resource, NcsEngine engine)
    {
        var plan = resource.Plan;
        var properties = new List<ResourcePropertySnapshot>
        {
            new("nso.engine", engine.DisplayName) { DisplayName = "Engine", IsHighlighted = true },
            new("nso.version", engine.Version.ToString()) { DisplayName = "NSO version" },
            new("nso.executable", engine.Executable) { DisplayName = "ncs" },
        };
        if (plan is not null)
        {
            properties.Add(new("nso.ipc", plan.Ipc.ToString()) { DisplayName = "IPC endpoint", IsHighlighted = true });
            properties.Add(new("nso.access-check", plan.AccessCheck ? "on" : "off") { DisplayName = "IPC access check" });
            properties.Add(new("nso.env-script", plan.RunDirectory.EnvScript) { DisplayName = "env.sh" });
            properties.Add(new("nso.sname", plan.Sname) { DisplayName = "sname" });
            properties.Add(new("nso.run-directory", plan.RunDirectory.Path) { DisplayName = "Run directory" });
            properties.Add(new("nso.ncs-conf", plan.RunDirectory.NcsConf) { DisplayName = "ncs.conf" });
        }

        return [.. properties];
    }

    private static ImmutableArray<UrlSnapshot> Urls(NsoResource resource, bool active)
    {
        if (resource.Plan is not { } plan)
        {
            return [];
        }

        var ipcUrl = plan.Ipc switch
        {
            NsoIpcEndpoint.Tcp tcp => $"tcp://{tcp.Address}:{tcp.Port}",
            NsoIpcEndpoint.UnixSocket unix => $"unix://{unix.Path}",
            _ => plan.Ipc.ToString(),
        };
        var urls = new List<UrlSnapshot> { new(NsoResource.IpcEndpointName, ipcUrl, IsInternal: false) { IsInactive = !active } };
        foreach (var (kind, scheme) in new[] { (NsoPortKind.Netconf, "ssh"), (NsoPortKind.Cli, "ssh"), (NsoPortKind.WebUi, "http") })
        {
            if (plan.Ports.Ports.TryGetValue(kind, out var port))
            {
                urls.Add(new(kind.EndpointName(), $"{scheme}://{resource.Settings.NorthboundAddress}:{port}", IsInternal: false) { IsInactive = !active });
            }
        }

        return [.. urls];
    }

    private static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> current, IEnumerable<ResourcePropertySnapshot> updates)
    {
        var byName = current.IsDefault ? [] : current.ToDictionary(p => p.Name);
        foreach (var update in updates)
        {
            byName[update.Name] = update;
        }

        return [.. byName.Values];
    }
}

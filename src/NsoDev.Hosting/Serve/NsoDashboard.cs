using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Serve;

/// <summary>
/// Publishes an instance's state, URLs and properties to the Aspire dashboard, and the resource events
/// Aspire's own resources raise: before start (which holds a start behind the instance's own WaitFor),
/// connection string available, and stopped.
/// </summary>
internal sealed class NsoDashboard(ResourceNotificationService notifications, IDistributedApplicationEventing eventing, IServiceProvider services, TimeProvider timeProvider)
{
    public const string ResourceType = "NSO";

    public Task BeforeStartAsync(NsoResource resource, CancellationToken cancellationToken) =>
        eventing.PublishAsync(new BeforeResourceStartedEvent(resource, services), cancellationToken);

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

    public async Task RunningAsync(NsoResource resource, NcsEngine engine, int pid)
    {
        await notifications.PublishUpdateAsync(resource, s => s with
        {
            State = KnownResourceStates.Running,
            Properties = Merge(s.Properties, [.. PlanProperties(resource, engine), new(NsoResourceProperties.Pid, pid.ToString(CultureInfo.InvariantCulture)) { DisplayName = "PID" }]),
            Urls = Urls(resource, active: true),
        });
        await eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, services));
    }

    public Task RestartingAsync(NsoResource resource, int attempt, int maxAttempts, TimeSpan delay) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            State = new ResourceStateSnapshot($"Restarting ({attempt}/{maxAttempts}) in {delay.TotalSeconds:0} s", KnownResourceStateStyles.Warn),
            Properties = Merge(s.Properties, [new(NsoResourceProperties.Restarts, attempt.ToString(CultureInfo.InvariantCulture)) { DisplayName = "Crash restarts" }]),
        });

    public Task StoppingAsync(NsoResource resource) =>
        notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Stopping });

    public async Task StoppedAsync(NsoResource resource, int exitCode, bool expected)
    {
        await notifications.PublishUpdateAsync(resource, s => s with
        {
            State = expected
                ? new ResourceStateSnapshot(KnownResourceStates.Finished, KnownResourceStateStyles.Info)
                : new ResourceStateSnapshot(KnownResourceStates.Exited, KnownResourceStateStyles.Error),
            ExitCode = exitCode == NcsExitCode.Unknown ? null : exitCode,
            StopTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            Urls = Urls(resource, active: false),
        });
        if (notifications.TryGetCurrentState(resource.Name, out var stopped))
        {
            await eventing.PublishAsync(new ResourceStoppedEvent(resource, services, stopped));
        }
    }

    /// <summary>How many of the instance's netsim devices answered <c>is-alive</c>.</summary>
    public Task DevicesAsync(NsoResource resource, NetsimLiveness liveness)
    {
        ArgumentNullException.ThrowIfNull(liveness);
        var total = liveness.Alive.Count + liveness.Dead.Count;
        var text = liveness.Dead.Count == 0
            ? $"{total} of {total} alive"
            : $"{liveness.Alive.Count} of {total} alive (not: {string.Join(", ", liveness.Dead)})";
        return notifications.PublishUpdateAsync(resource, s => s with
        {
            Properties = Merge(s.Properties, [new(NsoResourceProperties.Devices, text) { DisplayName = "Netsim devices", IsHighlighted = true }]),
        });
    }

    public Task FailedToStartAsync(NsoResource resource, string reason) =>
        notifications.PublishUpdateAsync(resource, s => s with
        {
            State = new ResourceStateSnapshot(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error),
            StopTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
            Properties = Merge(s.Properties, [new(NsoResourceProperties.Failure, reason) { DisplayName = "Failure" }]),
            Urls = Urls(resource, active: false),
        });

    private static ImmutableArray<ResourcePropertySnapshot> PlanProperties(NsoResource resource, NcsEngine engine)
    {
        var plan = resource.PlanOrNull();
        var properties = new List<ResourcePropertySnapshot>
        {
            new(NsoResourceProperties.Engine, engine.DisplayName) { DisplayName = "Engine", IsHighlighted = true },
            new(NsoResourceProperties.Version, engine.Version.ToString()) { DisplayName = "NSO version" },
            new(NsoResourceProperties.Executable, engine.Executable) { DisplayName = "ncs" },
        };
        if (plan is not null)
        {
            properties.Add(new(NsoResourceProperties.Ipc, plan.Ipc.ToString()) { DisplayName = "IPC endpoint", IsHighlighted = true });
            properties.Add(new(NsoResourceProperties.AccessCheck, plan.AccessCheck ? "on" : "off") { DisplayName = "IPC access check" });
            properties.Add(new(NsoResourceProperties.EnvScript, plan.RunDirectory.EnvScript) { DisplayName = "env.sh" });
            properties.Add(new(NsoResourceProperties.Sname, plan.Sname) { DisplayName = "sname" });
            properties.Add(new(NsoResourceProperties.Lifetime, plan.Lifetime.ToString()) { DisplayName = "Lifetime" });
            properties.Add(new(NsoResourceProperties.RunDirectory, plan.RunDirectory.Path) { DisplayName = "Run directory" });
            properties.Add(new(NsoResourceProperties.NcsConf, plan.RunDirectory.NcsConf) { DisplayName = "ncs.conf" });
        }

        return [.. properties];
    }

    private static ImmutableArray<UrlSnapshot> Urls(NsoResource resource, bool active)
    {
        if (resource.PlanOrNull() is not { } plan)
        {
            return [];
        }

        var ipcUrl = plan.Ipc switch
        {
            NsoIpcEndpoint.Tcp tcp => $"tcp://{tcp.Address}:{tcp.Port}",
            NsoIpcEndpoint.UnixSocket unix => $"unix://{unix.Path}",
            _ => plan.Ipc.ToString(),
        };
        // The IPC URL has no display text: the dashboard shows a URL it cannot link (tcp://) by its
        // display text alone, and the address is what a client of IPC needs to read. The others
        // are two ssh:// links and an http:// one, told apart by their text. Listed in this order.
        var urls = new List<UrlSnapshot>
        {
            new(NsoResource.IpcEndpointName, ipcUrl, IsInternal: false) { IsInactive = !active, DisplayProperties = new(SortOrder: 4) },
        };
        foreach (var (kind, scheme, text, order) in new[] { (NsoPortKind.Netconf, "ssh", "NETCONF", 3), (NsoPortKind.Cli, "ssh", "CLI", 2), (NsoPortKind.WebUi, "http", "Web UI", 1) })
        {
            if (plan.Ports.Ports.TryGetValue(kind, out var port))
            {
                urls.Add(new(kind.EndpointName(), $"{scheme}://{plan.NorthboundAddress}:{port}", IsInternal: false)
                {
                    IsInactive = !active,
                    DisplayProperties = new($"{text} (port {port.ToString(CultureInfo.InvariantCulture)})", order),
                });
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

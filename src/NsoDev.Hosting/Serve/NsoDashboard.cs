using System.Collections.Immutable;
using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Eventing;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Onboard;
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

    /// <summary>Any change to a resource's snapshot, for the topologies' own properties (an LSA deployment's remote nodes).</summary>
    public Task UpdateAsync(IResource resource, Func<CustomResourceSnapshot, CustomResourceSnapshot> update) =>
        notifications.PublishUpdateAsync(resource, update);

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

    public const string DeviceResourceType = "Netsim device";

    /// <summary>A device before its instance has planned: its name, without ports yet.</summary>
    public static CustomResourceSnapshot InitialDeviceSnapshot(NetsimDeviceResource device) => new()
    {
        ResourceType = DeviceResourceType,
        State = KnownResourceStates.NotStarted,
        Properties = [new(NsoResourceProperties.Device, device.DeviceName) { DisplayName = "Device", IsHighlighted = true }],
    };

    /// <summary>
    /// What <c>is-alive</c> said: each device Running, or, when not alive, Finished if it was stopped on
    /// purpose and FailedToStart otherwise; and on the instance, how many are alive.
    /// </summary>
    public async Task DevicesAsync(NsoResource resource, NcsEngine engine, NetsimLiveness liveness, IReadOnlySet<string> stoppedOnPurpose)
    {
        ArgumentNullException.ThrowIfNull(liveness);
        ArgumentNullException.ThrowIfNull(stoppedOnPurpose);
        var text = CountOf(liveness.Alive.Count, liveness.Dead, "alive");
        await notifications.PublishUpdateAsync(resource, s => s with
        {
            Properties = Merge(s.Properties, [new(NsoResourceProperties.Devices, text) { DisplayName = "Netsim devices", IsHighlighted = true }]),
        });

        foreach (var (device, planned) in Devices(resource))
        {
            var alive = liveness.Alive.Contains(device.DeviceName);
            var state = alive
                ? new ResourceStateSnapshot(KnownResourceStates.Running, KnownResourceStateStyles.Success)
                : stoppedOnPurpose.Contains(device.DeviceName)
                    ? new ResourceStateSnapshot(KnownResourceStates.Finished, KnownResourceStateStyles.Info)
                    : new ResourceStateSnapshot(KnownResourceStates.FailedToStart, KnownResourceStateStyles.Error);
            await notifications.PublishUpdateAsync(device, s => s with
            {
                State = state,
                CreationTimeStamp = s.CreationTimeStamp ?? timeProvider.GetUtcNow().UtcDateTime,
                StartTimeStamp = alive ? s.StartTimeStamp ?? timeProvider.GetUtcNow().UtcDateTime : s.StartTimeStamp,
                StopTimeStamp = alive ? null : timeProvider.GetUtcNow().UtcDateTime,
                Properties = Merge(s.Properties, DeviceProperties(resource, engine, planned)),
                Urls = DeviceUrls(planned, active: alive),
            });
        }
    }

    /// <summary>After the onboard step: on the instance, how many devices are in sync; on each device, in sync or why not.</summary>
    public async Task DevicesSyncedAsync(NsoResource resource, OnboardingReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var text = CountOf(report.InSync, [.. report.Failed.Select(d => d.Device)], "in sync");
        await notifications.PublishUpdateAsync(resource, s => s with
        {
            Properties = Merge(s.Properties, [new(NsoResourceProperties.Devices, text) { DisplayName = "Netsim devices", IsHighlighted = true }]),
        });

        var results = report.Devices.ToDictionary(d => d.Device, StringComparer.Ordinal);
        foreach (var (device, _) in Devices(resource))
        {
            if (results.TryGetValue(device.DeviceName, out var result))
            {
                var sync = result.InSync ? "in sync" : $"not in sync: {result.Info}";
                await notifications.PublishUpdateAsync(device, s => s with
                {
                    Properties = Merge(s.Properties, [new(NsoResourceProperties.DeviceSync, sync) { DisplayName = "Sync", IsHighlighted = true }]),
                });
            }
        }
    }

    /// <summary>The instance's devices property: <c>3 of 3 in sync</c>, or <c>2 of 3 in sync (not: ex1)</c>.</summary>
    private static string CountOf(int good, IReadOnlyList<string> not, string what) =>
        not.Count == 0
            ? $"{good} of {good} {what}"
            : $"{good} of {good + not.Count} {what} (not: {string.Join(", ", not)})";

    /// <summary>The instance stopped its devices: each Finished, its URLs inactive.</summary>
    public async Task DevicesStoppedAsync(NsoResource resource)
    {
        foreach (var (device, planned) in Devices(resource))
        {
            await notifications.PublishUpdateAsync(device, s => s with
            {
                State = new ResourceStateSnapshot(KnownResourceStates.Finished, KnownResourceStateStyles.Info),
                StopTimeStamp = timeProvider.GetUtcNow().UtcDateTime,
                Urls = DeviceUrls(planned, active: false),
            });
        }
    }

    /// <summary>The shell command that opens a device's CLI: ncs-netsim's own with NSO, SSH to its CLI port on the simulator.</summary>
    public static string DeviceCliCommand(NsoInstancePlan plan, NcsEngine engine, NetsimDevice device)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(device);
        return engine.IsSimulator
            ? $"ssh -p {device.CliPort.ToString(CultureInfo.InvariantCulture)} admin@{NsoDeclaration.LoopbackAddress}"
            : $"NCS_DIR='{engine.InstallationDirectory}' '{NetsimCommand.Of(engine).Executable}' --dir '{plan.Netsim!.Directory}' cli {device.Name}";
    }

    /// <summary>Each device resource of the instance with its planned device; none before planning.</summary>
    private static IEnumerable<(NetsimDeviceResource Resource, NetsimDevice Planned)> Devices(NsoResource resource)
    {
        var planned = resource.PlanOrNull()?.Netsim?.Devices.ToDictionary(d => d.Name, StringComparer.Ordinal) ?? [];
        return resource.Declaration().DeviceResources
            .Where(d => planned.ContainsKey(d.DeviceName))
            .Select(d => (d, planned[d.DeviceName]));
    }

    private static ImmutableArray<ResourcePropertySnapshot> DeviceProperties(NsoResource resource, NcsEngine engine, NetsimDevice device)
    {
        var plan = resource.RequirePlan();
        var ports = string.Join(", ", NetsimPortKinds.All.Select(k => $"{k.Name()} {device.Ports.PortOf(k, device.Index).ToString(CultureInfo.InvariantCulture)}"));
        return
        [
            new(NsoResourceProperties.Device, device.Name) { DisplayName = "Device", IsHighlighted = true },
            new(NsoResourceProperties.DevicePorts, ports) { DisplayName = "Ports" },
            new(NsoResourceProperties.DeviceCli, DeviceCliCommand(plan, engine, device)) { DisplayName = "CLI command line", IsHighlighted = true },
            new(NsoResourceProperties.DevicePackage, device.Package) { DisplayName = "NED package" },
        ];
    }

    private static ImmutableArray<UrlSnapshot> DeviceUrls(NetsimDevice device, bool active) =>
    [
        new(NetsimDeviceResource.NetconfEndpointName, $"ssh://{NsoDeclaration.LoopbackAddress}:{device.NetconfPort.ToString(CultureInfo.InvariantCulture)}", IsInternal: false)
        {
            IsInactive = !active,
            DisplayProperties = new($"NETCONF (port {device.NetconfPort.ToString(CultureInfo.InvariantCulture)})", 2),
        },
        new(NetsimDeviceResource.CliEndpointName, $"ssh://{NsoDeclaration.LoopbackAddress}:{device.CliPort.ToString(CultureInfo.InvariantCulture)}", IsInternal: false)
        {
            IsInactive = !active,
            DisplayProperties = new($"CLI (port {device.CliPort.ToString(CultureInfo.InvariantCulture)})", 1),
        },
    ];

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

    internal static ImmutableArray<ResourcePropertySnapshot> Merge(ImmutableArray<ResourcePropertySnapshot> current, IEnumerable<ResourcePropertySnapshot> updates)
    {
        var byName = current.IsDefault ? [] : current.ToDictionary(p => p.Name);
        foreach (var update in updates)
        {
            byName[update.Name] = update;
        }

        return [.. byName.Values];
    }
}

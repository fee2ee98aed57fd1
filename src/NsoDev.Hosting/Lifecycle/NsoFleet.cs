using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Planning;
using NsoDev.Hosting.Processes;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>
/// All NSO instances of one app host: it plans them together before start, starts each in parallel,
/// serves the dashboard commands, and stops them all when the app host stops (a hosted service, so
/// Ctrl-C is handled in one place).
/// </summary>
internal sealed class NsoFleet(
    IProcessRunner runner,
    ResourceNotificationService notifications,
    ResourceLoggerService loggers,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<NsoFleet> logger) : IHostedService, IDisposable
{
    private readonly Lock _stopGate = new();
    private Task? _stopAll;
    private readonly ConcurrentDictionary<string, NsoInstanceRunner> _runners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EngineChoice, Lazy<Task<NcsEngine>>> _engines = new();
    private readonly CancellationTokenSource _stopping = new();
    private PortLease? _lease;

    /// <summary>
    /// Plans every instance at once (DESIGN: plan): stops daemons orphaned by a killed app host, then
    /// chooses ports under the machine-wide lease lock, socket paths and secret files.
    /// </summary>
    public async Task PlanAllAsync(IReadOnlyList<NsoResource> resources, string defaultRunRoot, NcsConfTemplate defaultTemplate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resources);
        if (resources.Count == 0)
        {
            return;
        }

        var runDirectories = resources.ToDictionary(r => r.Name, r => new RunDirectory(r.Settings.RunDirectory ?? Path.Combine(defaultRunRoot, r.Name)));
        var orphans = new OrphanedDaemon(runner, logger);
        await Task.WhenAll(runDirectories.Values.Select(d => orphans.StopIfRunningAsync(d, cancellationToken)));

        var planner = new PortPlanner(new TcpPortProbe());
        var requests = resources.Select(r => new InstancePortRequest(r.Name, r.Settings.PortRequests(), runDirectories[r.Name].ReadPlannedPorts())).ToList();
        IReadOnlyList<InstancePorts>? planned = null;
        _lease = PortLeases.ForCurrentUser().Plan(leased =>
        {
            planned = planner.Plan(requests, leased);
            return planned.SelectMany(p => p.Ports.Values);
        });

        foreach (var (resource, ports) in resources.Zip(planned!))
        {
            var runDirectory = runDirectories[resource.Name];
            NsoIpcEndpoint ipc = resource.Settings.Ipc switch
            {
                IpcSettings.Tcp tcp => new NsoIpcEndpoint.Tcp(tcp.Address, ports[NsoPortKind.Ipc]),
                IpcSettings.UnixSocket unix => new NsoIpcEndpoint.UnixSocket(unix.Path ?? IpcSocketPaths.Default(resource.Name, runDirectory.Path)),
                _ => throw new InvalidOperationException($"Unknown IPC mode for '{resource.Name}'."),
            };
            if (ipc is NsoIpcEndpoint.UnixSocket socket)
            {
                IpcSocketPaths.EnsureFits(socket.Path, resource.Name);
            }

            var accessFile = resource.Settings.AccessCheck is null ? null : runDirectory.SecretFile;
            resource.Plan = new NsoInstancePlan(resource.Name, ipc, ports, runDirectory, resource.Settings.Template ?? defaultTemplate, accessFile);
            NsoEndpoints.Allocate(resource, resource.Plan);
            logger.LogDebug("Planned {Name}: IPC {Ipc}, {Ports}", resource.Name, ipc, string.Join(", ", ports.Ports.Select(p => $"{p.Key} {p.Value}")));
        }
    }

    /// <summary>Starts one instance; failures end up on the dashboard, never in the caller.</summary>
    public async Task StartInstanceAsync(NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var instance = await GetRunnerAsync(resource);
        if (instance is not null)
        {
            await instance.StartAsync(_stopping.Token);
        }
    }

    /// <summary>The runner of an instance, created once its engine is known; null when no engine could be found.</summary>
    public async Task<NsoInstanceRunner?> GetRunnerAsync(NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_runners.TryGetValue(resource.Name, out var existing))
        {
            return existing;
        }

        var resourceLogger = loggers.GetLogger(resource);
        var dashboard = new NsoDashboard(notifications, timeProvider);
        NcsEngine engine;
        try
        {
            var locate = _engines.GetOrAdd(resource.Settings.Engine, choice => new(() => new NcsEngineLocator(runner).LocateAsync(choice, _stopping.Token)));
            engine = await locate.Value;
        }
        catch (NsoEngineException ex)
        {
            resourceLogger.LogError("{Reason}", ex.Message);
            await dashboard.FailedToStartAsync(resource, ex.Message);
            return null;
        }

        resource.Engine = engine;
        return _runners.GetOrAdd(resource.Name, _ => new NsoInstanceRunner(resource, engine, runner, new ReadinessWaiter(runner, timeProvider), dashboard, resourceLogger, timeProvider));
    }

    /// <summary>Stopping begins as soon as the app host is asked to stop (Ctrl-C), not after Aspire's own shutdown.</summary>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStopping.Register(() => StopAll());
        return Task.CompletedTask;
    }

    /// <summary>Stops every instance with <c>ncs --stop</c>, in parallel, then frees the leased ports.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => StopAll();

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
        await Task.WhenAll(_runners.Values.Select(r => r.StopAsync(CancellationToken.None)));
        _lease?.Dispose();
        _lease = null;
    }

    public void Dispose()
    {
        foreach (var instance in _runners.Values)
        {
            instance.Dispose();
        }

        _lease?.Dispose();
        _stopping.Dispose();
    }
}

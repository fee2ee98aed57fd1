using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Planning;
using NsoDev.Hosting.Processes;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>
/// All NSO instances of one app host: it plans them together before start, starts each in parallel,
/// and stops them all when the app host stops (a hosted service, so Ctrl-C is handled in one place).
/// </summary>
internal sealed class NsoFleet(
    IProcessRunner runner,
    ResourceNotificationService notifications,
    ResourceLoggerService loggers,
    TimeProvider timeProvider,
    ILogger<NsoFleet> logger) : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, NsoInstanceRunner> _runners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<EngineChoice, Task<NcsEngine>> _engines = new();
    private readonly CancellationTokenSource _stopping = new();
    private PortLease? _lease;

    /// <summary>Plans every instance at once, under the machine-wide lease lock (DESIGN: plan).</summary>
    public void PlanAll(IReadOnlyList<NsoResource> resources, string defaultRunRoot, string defaultTemplate)
    {
        ArgumentNullException.ThrowIfNull(resources);
        if (resources.Count == 0)
        {
            return;
        }

        var planner = new PortPlanner(new TcpPortProbe());
        var requests = resources.Select(r => new InstancePortRequest(r.Name, r.Settings.Ports)).ToList();
        IReadOnlyList<InstancePorts>? planned = null;
        _lease = PortLeases.ForCurrentUser().Plan(leased =>
        {
            planned = planner.Plan(requests, leased);
            return planned.SelectMany(p => p.Ports.Values);
        });

        foreach (var (resource, ports) in resources.Zip(planned!))
        {
            var runDirectory = new Materialize.RunDirectory(resource.Settings.RunDirectory ?? Path.Combine(defaultRunRoot, resource.Name));
            resource.Plan = new NsoInstancePlan(resource.Name, ports, runDirectory, resource.Settings.TemplatePath ?? defaultTemplate);
            NsoEndpoints.Allocate(resource, resource.Plan);
            logger.LogDebug("Planned {Name}: {Ports}", resource.Name, string.Join(", ", ports.Ports.Select(p => $"{p.Key} {p.Value}")));
        }
    }

    /// <summary>Starts one instance; failures end up on the dashboard, never in the caller.</summary>
    public async Task StartInstanceAsync(NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var resourceLogger = loggers.GetLogger(resource);
        var dashboard = new NsoDashboard(notifications, timeProvider);
        NcsEngine engine;
        try
        {
            engine = await _engines.GetOrAdd(resource.Settings.Engine, choice => new NcsEngineLocator(runner).LocateAsync(choice, _stopping.Token));
        }
        catch (NsoEngineException ex)
        {
            resourceLogger.LogError("{Reason}", ex.Message);
            await dashboard.FailedToStartAsync(resource, ex.Message);
            return;
        }

        resource.Engine = engine;
        var instance = new NsoInstanceRunner(resource, engine, runner, new ReadinessWaiter(runner, timeProvider), dashboard, resourceLogger);
        _runners[resource.Name] = instance;
        await instance.StartAsync(_stopping.Token);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Stops every instance with <c>ncs --stop</c>, in parallel, then frees the leased ports.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_runners.Values.Select(r => r.StopAsync(CancellationToken.None)));
        _lease?.Dispose();
        _lease = null;
    }

    public void Dispose()
    {
        foreach (var runner in _runners.Values)
        {
            runner.Dispose();
        }

        _lease?.Dispose();
        _stopping.Dispose();
    }
}

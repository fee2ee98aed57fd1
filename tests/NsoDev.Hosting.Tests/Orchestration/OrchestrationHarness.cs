using System.Text.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;
using Microsoft.Extensions.DependencyInjection;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Orchestration;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Ready;
using NsoDev.Hosting.Serve;
using NsoDev.Hosting.Tests.Onboard;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Tests.Orchestration;

/// <summary>
/// The one place that builds what the orchestration tests exercise (resources, plans, runners, the
/// fleet, the engine locator, manifests), with a fake process runner and a fake clock. When the
/// constructors in src/NsoDev.Hosting change, only this file needs adapting.
/// </summary>
internal sealed class OrchestrationHarness : IAsyncDisposable
{
    /// <summary>Only a guard against a hang; nothing is timed against it.</summary>
    public static readonly TimeSpan HangGuard = TimeSpan.FromSeconds(30);

    /// <summary>The first planned port; nothing binds it, the daemon is fake.</summary>
    public const int FirstPort = 24569;

    public static readonly ProcessResult Ok = new(0, "", "");

    private readonly IDistributedApplicationBuilder _builder;
    private readonly List<NsoInstanceRunner> _runners = [];
    private DistributedApplication? _app;
    private ResourceStates? _states;

    public OrchestrationHarness()
    {
        Root = Directory.CreateTempSubdirectory("nsodev-orch-").FullName;
        NcsDir = Path.Combine(Root, "nso-6.5");
        Directory.CreateDirectory(Path.Combine(NcsDir, "bin"));
        File.WriteAllText(NcsExecutable, "");

        // Registered before AddNso, whose TryAdd then keeps them: the fleet runs on the fakes too.
        _builder = DistributedApplication.CreateBuilder([]);
        _builder.Services.AddSingleton<IProcessRunner>(Processes);
        _builder.Services.AddSingleton<INorthboundConnector>(Northbound);

        // As NSO would after loading the init file: every planned device is under /devices.
        Northbound.Devices = () => _builder.Resources.OfType<NsoResource>().SelectMany(r => r.PlanOrNull()?.Netsim?.Devices.Select(d => d.Name) ?? []).ToList();
        _builder.Services.AddSingleton<TimeProvider>(Time);
        _builder.Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<NsoFleet>>(new FleetLogger(FleetLog));
    }

    public string Root { get; }

    /// <summary>A fake NSO local install: bin/ncs exists, so the locator accepts the path and asks it for its version.</summary>
    public string NcsDir { get; }

    public string NcsExecutable => Path.Combine(NcsDir, "bin", "ncs");

    public ScriptedProcessRunner Processes { get; } = new(new FakeProcessRunner());

    /// <summary>The instances' NETCONF, for the onboard step after start.</summary>
    public FakeNorthbound Northbound { get; } = new();

    public ObservableTimeProvider Time { get; } = new();

    /// <summary>The fleet's own log (planning, orphans, warnings before start).</summary>
    public RecordingLogger FleetLog { get; } = new();

    /// <summary>The log of runners made by <see cref="Runner"/>.</summary>
    public RecordingLogger Log { get; } = new();

    /// <summary>What <c>ncs --version</c> tells of the fake install, for runners made directly.</summary>
    public NcsEngine Engine => new(NcsExecutable, new NsoRelease(6, 5), IsSimulator: false);

    public DistributedApplication App
    {
        get
        {
            if (_app is null)
            {
                _app = _builder.Build();
                _states = new ResourceStates(Notifications);
            }

            return _app;
        }
    }

    public ResourceNotificationService Notifications => App.Services.GetRequiredService<ResourceNotificationService>();

    public ResourceStates States
    {
        get
        {
            _ = App;
            return _states!;
        }
    }

    public NsoFleet Fleet => App.Services.GetRequiredService<NsoFleet>();

    /// <summary>A run-mode declaration on the fake install, with its run directory under this harness's folder.</summary>
    public NsoResource Declare(string name, Func<IResourceBuilder<NsoResource>, IResourceBuilder<NsoResource>>? configure = null)
    {
        if (_app is not null)
        {
            throw new InvalidOperationException("Declare every instance before the app is built.");
        }

        var nso = _builder.AddNso(name).WithNsoInstallation(NcsDir).WithRunDirectory(Path.Combine(Root, "run", name));
        return (configure?.Invoke(nso) ?? nso).Resource;
    }

    /// <summary>An HA Raft cluster of <paramref name="nodes"/> nodes on the fake install, their run directories under this harness's folder.</summary>
    public NsoRaftClusterResource DeclareRaftCluster(string name, int nodes)
    {
        var cluster = _builder.AddNsoRaftCluster(name, nodes);
        foreach (var node in cluster.Resource.Nodes)
        {
            _builder.CreateResourceBuilder(node).WithNsoInstallation(NcsDir).WithRunDirectory(Path.Combine(Root, "run", node.Name));
        }

        return cluster.Resource;
    }

    /// <summary>
    /// The plan the fleet would make, without its machine-wide port lease and probe: TCP IPC on
    /// loopback, consecutive ports from <see cref="FirstPort"/>, the shipped default template.
    /// </summary>
    public NsoInstancePlan Plan(NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var declaration = resource.Declaration();
        var ports = declaration.PortRequests().ToDictionary(p => p.Key, p => p.Value ?? FirstPort + (int)p.Key);
        var runDirectory = new RunDirectory(declaration.RunDirectory ?? Path.Combine(Root, "run", resource.Name));
        var template = new NcsConfTemplate.Banded(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default"));
        var plan = new NsoInstancePlan
        {
            Name = resource.Name,
            Engine = declaration.Engine,
            Ipc = new NsoIpcEndpoint.Tcp(NsoDeclaration.LoopbackAddress, ports[NsoPortKind.Ipc]),
            Ports = new InstancePorts(resource.Name, ports),
            RunDirectory = runDirectory,
            Template = template,
            NorthboundAddress = declaration.NorthboundAddress,
            StartupTimeout = declaration.StartupTimeout,
            StopTimeout = declaration.StopTimeout,
        };
        resource.Published().Plan = plan;
        resource.Published().Engine = Engine;
        NsoEndpoints.Allocate(resource, plan);
        return plan;
    }

    /// <summary>
    /// What the app host does before start, through the fleet itself: plan every declared instance (with
    /// a fake port probe and leases in this harness's folder) and locate each engine with `ncs --version`.
    /// </summary>
    public Task PrepareAsync() =>
        Fleet.PrepareAsync(
            [.. App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<NsoResource>()],
            Path.Combine(Root, "run"),
            new NcsConfTemplate.Banded(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default")),
            new NsoPlanner(new FakePortProbe(), new PortLeases(Path.Combine(Root, "leases"))),
            CancellationToken.None).WaitAsync(HangGuard);

    /// <summary>The plan the fleet made for the instance named <paramref name="name"/>.</summary>
    public NsoInstancePlan RequirePlanOf(string name) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<NsoResource>().Single(r => r.Name == name).RequirePlan();

    /// <summary>The first line an instance started by the fleet logs with <paramref name="text"/> (its backlog included).</summary>
    public async Task<string> WaitForResourceLogAsync(string name, string text)
    {
        using var timeout = new CancellationTokenSource(HangGuard);
        var seen = new List<string>();
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(name).WithCancellation(timeout.Token))
            {
                foreach (var line in batch)
                {
                    if (line.Content.Contains(text, StringComparison.Ordinal))
                    {
                        return line.Content;
                    }

                    seen.Add(line.Content);
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
        }

        throw new TimeoutException($"Waited {HangGuard.TotalSeconds} s for '{text}' in the log of {name}; saw:\n{string.Join('\n', seen)}");
    }

    /// <summary>A runner for a planned instance on <see cref="Engine"/>, logging to <see cref="Log"/>.</summary>
    public NsoInstanceRunner Runner(NsoResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var plan = resource.PlanOrNull() ?? Plan(resource);
        var runner = new NsoInstanceRunner(resource, plan, Engine, Processes, new ReadinessWaiter(Processes, Time), Northbound, App.Services.GetRequiredService<NsoDashboard>(), Log, Time);
        _runners.Add(runner);
        return runner;
    }

    /// <summary>RunAsSimulator's choice for a release.</summary>
    public static EngineChoice Simulator(int major, int minor) => new EngineChoice.Simulator(new NsoRelease(major, minor));

    /// <summary>A locator that sees only <paramref name="environment"/>, not this process's.</summary>
    public NcsEngineLocator Locator(IReadOnlyDictionary<string, string?> environment) =>
        new(Processes, name => environment.GetValueOrDefault(name));

    /// <summary>Runs a dashboard command of <paramref name="resource"/> the way the dashboard does, through Aspire's command service.</summary>
    public Task<ExecuteCommandResult> ExecuteCommandAsync(NsoResource resource, string command) =>
        App.Services.GetRequiredService<ResourceCommandService>().ExecuteCommandAsync(resource, command).WaitAsync(HangGuard);

    /// <summary>A builder for declaration tests; in publish mode when asked, as `aspire publish` runs the app host.</summary>
    public static IDistributedApplicationBuilder Declarations(bool publish = false) =>
        DistributedApplication.CreateBuilder(publish ? ["--operation", "publish", "--publisher", "manifest"] : []);

    /// <summary>The manifest entry of <paramref name="resource"/>: the app is built, and its manifest publishing callback writes into a JSON object.</summary>
    public static async Task<JsonNode> ManifestAsync(IDistributedApplicationBuilder builder, IResource resource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(resource);
        using var app = builder.Build();
        var executionContext = app.Services.GetRequiredService<DistributedApplicationExecutionContext>();
        using var stream = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(stream))
        {
            var context = new ManifestPublishingContext(executionContext, Path.Combine(Path.GetTempPath(), "aspire-manifest.json"), writer);
            var callback = Assert.Single(resource.Annotations.OfType<ManifestPublishingCallbackAnnotation>());
            writer.WriteStartObject();
            await callback.Callback!(context);
            writer.WriteEndObject();
        }

        return JsonNode.Parse(stream.ToArray())!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_states is not null)
        {
            await _states.DisposeAsync();
        }

        foreach (var runner in _runners)
        {
            runner.Dispose();
        }

        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }
}

/// <summary>The fleet's logger, recording into a <see cref="RecordingLogger"/>.</summary>
internal sealed class FleetLogger(RecordingLogger inner) : Microsoft.Extensions.Logging.ILogger<NsoFleet>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

    public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        inner.Log(logLevel, eventId, state, exception, formatter);
}

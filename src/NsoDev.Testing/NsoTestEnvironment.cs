using System.Collections.Immutable;
using System.Data.Common;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using NsoDev.Ipc;

namespace NsoDev.Testing;

/// <summary>
/// NSO instances for a test class: declared in the test, or the instances of an AppHost project. Each
/// environment plans its own ports (under the machine-wide lease lock) and keeps its runtime directories
/// in a temporary folder, so test classes can run in parallel. Disposing stops every daemon and frees
/// the leases, even after a failed test.
/// </summary>
public sealed class NsoTestEnvironment : IAsyncDisposable
{
    /// <summary>How long starting may take before it fails.</summary>
    public static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromMinutes(2);

    private const int LogLinesOnFailure = 15;

    private readonly DistributedApplication _app;
    private readonly string _runRoot;
    private readonly ImmutableDictionary<string, NsoInstanceInfo> _instances;

    private NsoTestEnvironment(DistributedApplication app, string runRoot, ImmutableDictionary<string, NsoInstanceInfo> instances)
    {
        _app = app;
        _runRoot = runRoot;
        _instances = instances;
    }

    /// <summary>The running application, for anything this class does not wrap.</summary>
    public DistributedApplication Application => _app;

    /// <summary>Every NSO instance, by name.</summary>
    public IReadOnlyDictionary<string, NsoInstanceInfo> Instances => _instances;

    /// <summary>One instance by name.</summary>
    /// <param name="name">The resource name.</param>
    public NsoInstanceInfo this[string name] => _instances.TryGetValue(name, out var instance)
        ? instance
        : throw new KeyNotFoundException($"No NSO instance '{name}' in this environment; it has {string.Join(", ", _instances.Keys)}.");

    /// <summary>Starts the NSO instances that <paramref name="declare"/> adds, and waits until all are healthy.</summary>
    /// <param name="declare">Declares instances, e.g. <c>b => b.AddNso("cfs").RunAsSimulator()</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running environment.</returns>
    public static async Task<NsoTestEnvironment> StartAsync(Action<IDistributedApplicationBuilder> declare, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(declare);
        var runRoot = NewRunRoot();
        IDistributedApplicationTestingBuilder builder;
        try
        {
            builder = DistributedApplicationTestingBuilder.Create(RunRootArguments(runRoot));
            declare(builder);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("No application host assembly", StringComparison.Ordinal))
        {
            TryDelete(runRoot);
            throw new InvalidOperationException("Declaring instances in a test needs Aspire's orchestrator (DCP), which only an AppHost project knows where to find. Make the test project an Aspire one: <Project Sdk=\"Microsoft.NET.Sdk\"><Sdk Name=\"Aspire.AppHost.Sdk\" Version=\"13.6.4\" /> with a PackageReference to Aspire.Hosting.AppHost (see the README, \"Use NsoDev in your integration tests\"), or start your AppHost with StartAppHostAsync.", ex);
        }
        catch
        {
            TryDelete(runRoot);
            throw;
        }

        return await StartAsync(builder, runRoot, cancellationToken);
    }

    /// <summary>Starts an AppHost project (with <typeparamref name="TEntryPoint"/> from its <c>Projects</c> class) and waits until its NSO instances are healthy.</summary>
    /// <typeparam name="TEntryPoint">The AppHost's entry point, e.g. <c>Projects.AppHost</c>.</typeparam>
    /// <param name="args">Extra AppHost arguments, e.g. <c>--Nso:Count=3</c>.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running environment.</returns>
    public static async Task<NsoTestEnvironment> StartAppHostAsync<TEntryPoint>(string[]? args = null, CancellationToken cancellationToken = default)
        where TEntryPoint : class
    {
        var runRoot = NewRunRoot();
        IDistributedApplicationTestingBuilder builder;
        try
        {
            builder = await DistributedApplicationTestingBuilder.CreateAsync<TEntryPoint>([.. RunRootArguments(runRoot), .. args ?? []], (options, _) => options.DisableDashboard = true, cancellationToken);
        }
        catch
        {
            TryDelete(runRoot);
            throw;
        }

        return await StartAsync(builder, runRoot, cancellationToken);
    }

    /// <summary>Stops every daemon cleanly and removes the temporary runtime directories.</summary>
    /// <returns>A task that completes when everything has stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            TryDelete(_runRoot);
        }
    }

    private static async Task<NsoTestEnvironment> StartAsync(IDistributedApplicationTestingBuilder builder, string runRoot, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultStartTimeout);
        var app = await builder.BuildAsync(timeout.Token);
        try
        {
            await app.StartAsync(timeout.Token);
            var resources = builder.Resources.OfType<NsoResource>().ToList();
            await Task.WhenAll(resources.Select(r => app.ResourceNotifications.WaitForResourceHealthyAsync(r.Name, timeout.Token)));
            var instances = new Dictionary<string, NsoInstanceInfo>(StringComparer.Ordinal);
            foreach (var resource in resources)
            {
                instances[resource.Name] = await DescribeAsync(app, resource, timeout.Token);
            }

            return new NsoTestEnvironment(app, runRoot, instances.ToImmutableDictionary());
        }
        catch (Exception ex)
        {
            // Read why before stopping (the log goes with the run root), then stop: the instances that did
            // start must not outlive the failed environment.
            var failures = DescribeFailures(app, builder.Resources.OfType<NsoResource>());
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
            TryDelete(runRoot);
            if (failures.Length > 0 && ex is DistributedApplicationException or OperationCanceledException)
            {
                throw new DistributedApplicationException($"The NSO test environment did not start.{failures}", ex);
            }

            throw;
        }
    }

    /// <summary>For every instance that is not running: its state, the reason it gave, and the end of its ncs.log.</summary>
    private static string DescribeFailures(DistributedApplication app, IEnumerable<NsoResource> resources)
    {
        var text = new System.Text.StringBuilder();
        foreach (var resource in resources)
        {
            if (!app.ResourceNotifications.TryGetCurrentState(resource.Name, out var current) || current.Snapshot.State?.Text == KnownResourceStates.Running)
            {
                continue;
            }

            var reason = Property(current.Snapshot, NsoResourceProperties.Failure)?.TrimEnd('.');
            text.Append(CultureInfo.InvariantCulture, $"\n'{resource.Name}' is {current.Snapshot.State?.Text ?? "unknown"}: {reason ?? "no reason was given"}.");
            if (Property(current.Snapshot, NsoResourceProperties.RunDirectory) is { } runDirectory)
            {
                var logs = Path.Combine(runDirectory, "logs");
                var log = Path.Combine(logs, "ncs.log");
                var tail = File.Exists(log) ? File.ReadLines(log).TakeLast(LogLinesOnFailure).ToList() : [];
                text.Append(tail.Count == 0 ? $" No ncs.log in {logs}." : $" The end of its ncs.log:\n  {string.Join("\n  ", tail)}");
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Reads an instance the way any client of the integration can: its connection string, its
    /// allocated endpoints and its dashboard properties.
    /// </summary>
    private static async Task<NsoInstanceInfo> DescribeAsync(DistributedApplication app, NsoResource resource, CancellationToken cancellationToken)
    {
        var connection = new DbConnectionStringBuilder { ConnectionString = await ((IResourceWithConnectionString)resource).GetConnectionStringAsync(cancellationToken) };
        string? Value(string key) => connection.TryGetValue(key, out var value) ? value?.ToString() : null;
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        NsoIpcEndpoint ipc;
        if (Value("Path") is { } path)
        {
            ipc = new NsoIpcEndpoint.UnixSocket(path);
            environment[NcsIpcVariables.Path] = path;
        }
        else
        {
            var host = Value("Host") ?? NcsIpcVariables.DefaultAddress;
            var port = int.Parse(Value("Port") ?? throw new InvalidOperationException($"NSO instance '{resource.Name}' has no IPC port in its connection string."), CultureInfo.InvariantCulture);
            ipc = new NsoIpcEndpoint.Tcp(host, port);
            environment[NcsIpcVariables.Address] = host;
            environment[NcsIpcVariables.Port] = port.ToString(CultureInfo.InvariantCulture);
        }

        if (Value("AccessFile") is { } accessFile)
        {
            environment[NcsIpcVariables.AccessFile] = accessFile;
        }

        app.ResourceNotifications.TryGetCurrentState(resource.Name, out var current);
        string Required(string property) => (current is null ? null : Property(current.Snapshot, property))
            ?? throw new InvalidOperationException($"NSO instance '{resource.Name}' is healthy but shows no {property}.");
        return new NsoInstanceInfo(
            resource.Name,
            ipc,
            AllocatedPort(resource, NsoResource.NetconfEndpointName),
            AllocatedPort(resource, NsoResource.CliEndpointName),
            environment,
            Required(NsoResourceProperties.RunDirectory),
            Required(NsoResourceProperties.Executable));
    }

    private static int? AllocatedPort(NsoResource resource, string endpointName) =>
        resource.TryGetEndpoints(out var endpoints) ? endpoints.FirstOrDefault(e => e.Name == endpointName)?.AllocatedEndpoint?.Port : null;

    private static string? Property(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString();

    private static string NewRunRoot() => Directory.CreateTempSubdirectory("nsodev-test-").FullName;

    /// <summary>The integration's run root, so any AppHost keeps its data in the temporary folder.</summary>
    private static string[] RunRootArguments(string runRoot) => [$"--Nso:RunRoot={runRoot}"];

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A daemon that outlived its stop may still write a log line; the folder is temporary.
        }
    }
}

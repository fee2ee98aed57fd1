using System.Net;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Health;
using NsoDev.Hosting.Lifecycle;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Planning;
using NsoDev.Hosting.Processes;
using NsoDev.Hosting.Publishing;
using NsoDev.Ipc;

namespace Aspire.Hosting;

/// <summary>Declares NSO instances in an Aspire app host and points other resources at them.</summary>
public static class NsoBuilderExtensions
{
    /// <summary>
    /// Adds an NSO instance. In run mode it gets its own IPC endpoint (TCP on 127.0.0.1 unless told
    /// otherwise), NETCONF and CLI ports, a runtime directory under <c>.nso/NAME</c> beside the app host,
    /// and an ncs.conf written from the template <c>instance-templates/default</c>, in the version band that
    /// fits the engine (<c>6.2/ncs.conf</c> for NSO 6.2 to 6.4, <c>6.5/ncs.conf</c> for 6.5 and later). A real
    /// NSO is used when one is found (<c>$NCS_DIR</c>, then <c>ncs</c> on PATH); otherwise the bundled
    /// simulator, nso-sim.
    /// </summary>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource name, which also names the runtime directory.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> AddNso(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        RegisterFleet(builder);
        var resource = new NsoResource(name);
        NsoEndpoints.Declare(resource);

        var healthCheckKey = $"{name}_nso_ipc";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey, _ => new NsoIpcHealthCheck(resource), HealthStatus.Unhealthy, tags: null));

        NsoManifestWriter.AddParameters(builder, resource);
        return builder.AddResource(resource)
            .WithInitialState(NsoDashboard.InitialSnapshot())
            .WithHealthCheck(healthCheckKey)
            .WithNsoCommands()
            .WithManifestPublishingCallback(context => NsoManifestWriter.WriteAsync(context, resource))
            .OnInitializeResource((NsoResource nso, InitializeResourceEvent e, CancellationToken cancellationToken) =>
            {
                // Each instance starts on its own, so they start in parallel and one failure stops no other.
                var fleet = e.Services.GetRequiredService<NsoFleet>();
                _ = Task.Run(() => fleet.StartInstanceAsync(nso), CancellationToken.None);
                return Task.CompletedTask;
            });
    }

    /// <summary>
    /// Serves IPC over TCP. A non-loopback <paramref name="address"/> opens IPC to other hosts, so it
    /// needs the access check: call <see cref="WithIpcAccessCheck"/> first.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="port">A fixed port; null plans one.</param>
    /// <param name="address">The address to listen on.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithTcpIpc(this IResourceBuilder<NsoResource> builder, int? port = null, string address = "127.0.0.1")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var settings = builder.Resource.Settings;
        if (settings.IpcChosen && settings.Ipc is IpcSettings.UnixSocket)
        {
            throw new InvalidOperationException($"NSO instance '{builder.Resource.Name}' already uses Unix-socket IPC; an instance has one IPC mode. Remove WithUnixSocketIpc() or WithTcpIpc().");
        }

        if (!IPAddress.TryParse(address, out _))
        {
            throw new ArgumentException($"'{address}' is not an IP address. Give WithTcpIpc an IPv4 or IPv6 address such as 127.0.0.1.", nameof(address));
        }

        var tcp = new IpcSettings.Tcp(port, address);
        if (!tcp.IsLoopback && settings.AccessCheck is null)
        {
            throw new InvalidOperationException($"NSO instance '{builder.Resource.Name}' would serve IPC on {address}, which opens it to unauthenticated clients on other hosts. Call WithIpcAccessCheck() before WithTcpIpc(address: \"{address}\"), or keep IPC on 127.0.0.1.");
        }

        CheckExplicitPort(builder, port, NsoPortKind.Ipc);
        settings.Ipc = tcp;
        settings.IpcChosen = true;
        NsoEndpoints.Add(builder.Resource, NsoPortKind.Ipc);
        return builder;
    }

    /// <summary>
    /// Serves IPC on a Unix socket (NSO 6.4 and later); clients get <c>NCS_IPC_PATH</c>. On an older
    /// release it is refused: when declared if <see cref="RunAsSimulator"/> names the release, else
    /// before the daemon starts, once <c>ncs --version</c> has told the version.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="path">The socket path (at most 107 bytes); null chooses a short per-user path in a directory of mode 0700.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithUnixSocketIpc(this IResourceBuilder<NsoResource> builder, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Resource.Settings;
        if (settings.IpcChosen && settings.Ipc is IpcSettings.Tcp)
        {
            throw new InvalidOperationException($"NSO instance '{builder.Resource.Name}' already uses TCP IPC; an instance has one IPC mode. Remove WithTcpIpc() or WithUnixSocketIpc().");
        }

        CheckLocalIpc(builder, settings.Engine, unixSocket: true);

        if (path is not null)
        {
            path = Path.GetFullPath(path);
            IpcSocketPaths.EnsureFits(path, builder.Resource.Name);
        }

        settings.Ipc = new IpcSettings.UnixSocket(path);
        settings.IpcChosen = true;

        // A container deployment serves IPC over TCP, so the manifest keeps the ipc binding.
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            NsoEndpoints.Remove(builder.Resource, NsoPortKind.Ipc);
        }

        return builder;
    }

    /// <summary>
    /// Turns on the IPC access check: the daemon challenges every IPC client, and every resource that
    /// references the instance gets <c>NCS_IPC_ACCESS_FILE</c>, so both sides always agree. The secret
    /// is random, or the value of <paramref name="secret"/>; it is written to a file of mode 0400 and never
    /// shown in logs, the dashboard or the manifest.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="secret">An Aspire secret parameter holding the secret (printable ASCII), or null to generate one.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithIpcAccessCheck(this IResourceBuilder<NsoResource> builder, IResourceBuilder<ParameterResource>? secret = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Settings.AccessCheck = new AccessCheckSettings(secret?.Resource ?? NsoManifestWriter.AddSecretParameter(builder.ApplicationBuilder, builder.Resource));
        return builder;
    }

    /// <summary>Enables NETCONF over SSH (on by default), optionally on a fixed port.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="port">A fixed port; null plans one.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithNetconf(this IResourceBuilder<NsoResource> builder, int? port = null) =>
        WithNorthbound(builder, NsoPortKind.Netconf, port);

    /// <summary>Disables NETCONF over SSH.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithoutNetconf(this IResourceBuilder<NsoResource> builder) =>
        WithoutNorthbound(builder, NsoPortKind.Netconf);

    /// <summary>Enables the CLI over SSH (on by default), optionally on a fixed port.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="port">A fixed port; null plans one.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithCli(this IResourceBuilder<NsoResource> builder, int? port = null) =>
        WithNorthbound(builder, NsoPortKind.Cli, port);

    /// <summary>Disables the CLI over SSH.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithoutCli(this IResourceBuilder<NsoResource> builder) =>
        WithoutNorthbound(builder, NsoPortKind.Cli);

    /// <summary>Enables the web UI over plain HTTP (off by default), optionally on a fixed port.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="port">A fixed port; null plans one.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithWebUi(this IResourceBuilder<NsoResource> builder, int? port = null) =>
        WithNorthbound(builder, NsoPortKind.WebUi, port);

    /// <summary>
    /// Runs this instance on the bundled simulator, nso-sim, even when NSO is installed, optionally as
    /// a given NSO release: its ncs.conf is checked against that release's element tree, and its IPC
    /// speaks that release's protocol version.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="release">The NSO release to simulate, such as "6.4" (nso-sim knows 6.1 to 6.7); null for nso-sim's default, 6.5.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> RunAsSimulator(this IResourceBuilder<NsoResource> builder, string? release = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        NsoRelease? simulated = null;
        if (release is not null)
        {
            if (!NsoRelease.TryParse(release, out var version) || !SimulatorReleases.All.Contains(version))
            {
                throw new ArgumentException(
                    $"nso-sim cannot simulate NSO '{release}' for NSO instance '{builder.Resource.Name}': it simulates NSO {string.Join(", ", SimulatorReleases.All)}, the releases whose ncs.conf it knows. Pass one of them to RunAsSimulator, or none for nso-sim's default ({SimulatorReleases.Default}).",
                    nameof(release));
            }

            simulated = version;
        }

        var engine = new EngineChoice.Simulator(simulated);
        CheckLocalIpc(builder, engine, builder.Resource.Settings.IpcChosen && builder.Resource.Settings.Ipc is IpcSettings.UnixSocket);
        builder.Resource.Settings.Engine = engine;
        return builder;
    }

    /// <summary>Runs this instance on the NSO local install in <paramref name="ncsDir"/> (the directory holding bin/ncs).</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="ncsDir">NSO's NCS_DIR.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithNsoInstallation(this IResourceBuilder<NsoResource> builder, string ncsDir)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(ncsDir);
        builder.Resource.Settings.Engine = new EngineChoice.Installation(Path.GetFullPath(ncsDir));
        return builder;
    }

    /// <summary>
    /// Writes this instance's ncs.conf from another template: a full ncs.conf (as ncs-setup makes), used
    /// as is whatever the version, or a template folder with one ncs.conf per version band
    /// (<c>MAJOR.MINOR/ncs.conf</c>, such as <c>instance-templates/local-ipc</c>), of which the band whose
    /// release is the highest at or below the engine's version is used.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="templatePath">The ncs.conf, or the template folder.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithTemplate(this IResourceBuilder<NsoResource> builder, string templatePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(templatePath);
        var path = Path.GetFullPath(templatePath);
        builder.Resource.Settings.Template = NcsConfTemplate.FromPath(path)
            ?? throw new FileNotFoundException($"The ncs.conf template '{path}' for NSO instance '{builder.Resource.Name}' does not exist, or is a folder with no version band (MAJOR.MINOR/ncs.conf). Give WithTemplate an ncs.conf, or a template folder such as instance-templates/local-ipc.", path);
        return builder;
    }

    /// <summary>Links NSO packages into the instance's packages/ directory, as <c>ncs-setup --package</c> does.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="packageDirectories">Package directories (each holding package-meta-data.xml on NSO).</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithPackages(this IResourceBuilder<NsoResource> builder, params string[] packageDirectories)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(packageDirectories);
        foreach (var directory in packageDirectories.Select(Path.GetFullPath))
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"The package directory '{directory}' for NSO instance '{builder.Resource.Name}' does not exist. Pass existing package directories to WithPackages.");
            }

            builder.Resource.Settings.Packages.Add(directory);
        }

        return builder;
    }

    /// <summary>Keeps CDB data across runs (the default), or, with false, starts every run from empty CDB, logs and state.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="persist">False wipes the data before each start.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithDataPersistence(this IResourceBuilder<NsoResource> builder, bool persist = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Settings.DataPersistence = persist;
        return builder;
    }

    /// <summary>Keeps this instance's runtime directory (CDB, logs, state) at <paramref name="path"/>.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="path">The runtime directory.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithRunDirectory(this IResourceBuilder<NsoResource> builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        builder.Resource.Settings.RunDirectory = Path.GetFullPath(path);
        return builder;
    }

    /// <summary>
    /// Points <paramref name="builder"/>'s resource at the NSO instance with the variables NSO's clients
    /// read: <c>NCS_IPC_ADDR</c> and <c>NCS_IPC_PORT</c> for TCP IPC, <c>NCS_IPC_PATH</c> for a Unix socket,
    /// and <c>NCS_IPC_ACCESS_FILE</c> when the access check is on.
    /// </summary>
    /// <typeparam name="TDestination">The dependent resource.</typeparam>
    /// <param name="builder">The dependent's builder.</param>
    /// <param name="nso">The NSO instance.</param>
    /// <returns>The dependent's builder.</returns>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<NsoResource> nso)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(nso);
        var destination = builder.Resource;
        var existing = destination.Annotations.OfType<NsoReferenceAnnotation>().Select(r => r.Nso).ToList();
        if (existing.Contains(nso.Resource))
        {
            return builder;
        }

        // NSO's tools read one set of NCS_IPC_* variables; a second set would overwrite part of the
        // first (PATH beside ADDR/PORT, one daemon's access file with the other's port).
        if (existing.FirstOrDefault() is { } other)
        {
            throw new InvalidOperationException(
                $"'{destination.Name}' already references NSO instance '{other.Name}', and a client gets one set of NCS_IPC_* variables, so a reference to '{nso.Resource.Name}' too would mix the two daemons' endpoints. "
                + $"Reference one instance per client: give '{nso.Resource.Name}' a client resource of its own.");
        }

        destination.Annotations.Add(new NsoReferenceAnnotation(nso.Resource));
        return builder
            .WithReferenceRelationship(nso.Resource)
            .WithEnvironment(context => NsoClientEnvironment.Apply(context, nso.Resource, destination));
    }

    private static IResourceBuilder<NsoResource> WithNorthbound(IResourceBuilder<NsoResource> builder, NsoPortKind kind, int? port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        CheckExplicitPort(builder, port, kind);
        builder.Resource.Settings.Northbound[kind] = port;
        NsoEndpoints.Add(builder.Resource, kind);
        return builder;
    }

    private static IResourceBuilder<NsoResource> WithoutNorthbound(IResourceBuilder<NsoResource> builder, NsoPortKind kind)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Settings.Northbound.Remove(kind);
        NsoEndpoints.Remove(builder.Resource, kind);
        return builder;
    }

    /// <summary>A Unix socket on a simulated release older than 6.4 is refused as it is declared (docs/NSO-NOTES.md §1).</summary>
    private static void CheckLocalIpc(IResourceBuilder<NsoResource> builder, EngineChoice engine, bool unixSocket)
    {
        if (unixSocket && engine is EngineChoice.Simulator { Release: { } release } && release < NsoRelease.LocalIpcIntroduced)
        {
            throw new InvalidOperationException(
                $"NSO instance '{builder.Resource.Name}' runs on nso-sim as NSO {release}, which has no local IPC (ncs-local-ipc came in NSO {NsoRelease.LocalIpcIntroduced}), so it cannot serve IPC on a Unix socket. Use WithTcpIpc() for this instance, or RunAsSimulator(\"{NsoRelease.LocalIpcIntroduced}\") or later.");
        }
    }

    /// <summary>Explicit ports are checked as they are declared: in range, not reserved, not given twice.</summary>
    private static void CheckExplicitPort(IResourceBuilder<NsoResource> builder, int? port, NsoPortKind kind)
    {
        if (port is not int p)
        {
            return;
        }

        var what = $"'{builder.Resource.Name}' {kind.EndpointName()}";
        if (p is < 1 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), p, $"Port {p} for {what} is not a TCP port. Use a port from 1 to 65535, or leave it out to have one planned.");
        }

        if (PortPlanner.ReservedPorts.Contains(p))
        {
            throw new ArgumentOutOfRangeException(nameof(port), p, $"Port {p} for {what} is reserved for NSO (2023 NETCONF over TCP, 4334 call-home, 4570 HA). Choose another port.");
        }

        // Only where this machine binds it: a published container maps its ports itself.
        if (builder.ApplicationBuilder.ExecutionContext.IsRunMode && LowPorts.Refusal(p) is { } refusal)
        {
            throw new ArgumentOutOfRangeException(nameof(port), p, $"Port {p} for {what} {refusal}");
        }

        foreach (var other in builder.ApplicationBuilder.Resources.OfType<NsoResource>())
        {
            foreach (var (otherKind, otherPort) in other.Settings.PortRequests())
            {
                if (otherPort == p && !(ReferenceEquals(other, builder.Resource) && otherKind == kind))
                {
                    throw new InvalidOperationException($"Port {p} is given to both '{other.Name}' {otherKind.EndpointName()} and {what}. Give each its own port, or leave one out to have it planned.");
                }
            }
        }
    }

    private static void RegisterFleet(IDistributedApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ServiceType == typeof(NsoFleet)))
        {
            return;
        }

        builder.Services.TryAddSingleton<IProcessRunner, CliWrapProcessRunner>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<NsoFleet>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<NsoFleet>());

        // NsoDev:RunRoot moves every instance's default runtime directory, e.g. into a test's temporary folder.
        var runRoot = builder.Configuration["NsoDev:RunRoot"] is { Length: > 0 } configured ? Path.GetFullPath(configured) : Path.Combine(builder.AppHostDirectory, ".nso");
        var template = new NcsConfTemplate.Banded(Path.Combine(AppContext.BaseDirectory, "instance-templates", "default"));
        builder.Eventing.Subscribe<BeforeStartEvent>(async (e, ct) =>
        {
            if (!builder.ExecutionContext.IsRunMode)
            {
                return;
            }

            var resources = e.Model.Resources.OfType<NsoResource>().ToList();
            await e.Services.GetRequiredService<NsoFleet>().PlanAllAsync(resources, runRoot, template, ct);
            NsoClientEnvironment.MountSecretsIntoContainers(e.Model);
        });
    }
}

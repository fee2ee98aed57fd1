using System.Net;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Materialize;
using NsoDev.Hosting.Onboard;
using NsoDev.Hosting.Orchestration;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Publishing;
using NsoDev.Hosting.Ready;
using NsoDev.Hosting.Reference;
using NsoDev.Hosting.Serve;
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
    /// simulator, nso-sim. When the app host publishes, the instance is instead a container of Cisco's image
    /// (<c>cisco-nso-prod:6.5</c>), given its ncs.conf and IPC secret as files in <c>/nso/etc</c>.
    /// </summary>
    /// <param name="builder">The app host builder.</param>
    /// <param name="name">The resource name, which also names the runtime directory.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> AddNso(this IDistributedApplicationBuilder builder, [ResourceName] string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);

        AddOrchestration(builder.Services);

        var resource = new NsoResource(name);
        resource.Annotations.Add(new NsoDeclaration { IsPublishMode = builder.ExecutionContext.IsPublishMode });
        resource.Annotations.Add(new NsoPlanAnnotation());
        NsoEndpoints.Declare(resource);

        var healthCheckKey = $"{name}_nso_ipc";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey, _ => new NsoIpcHealthCheck(resource), HealthStatus.Unhealthy, tags: null));

        var nso = builder.AddResource(resource)
            .WithInitialState(NsoDashboard.InitialSnapshot())
            .WithHealthCheck(healthCheckKey)
            .WithNsoCommands()
            .OnInitializeResource((nso, e, _) =>
                // Aspire raises this event for each resource without waiting on it, so instances start in
                // parallel; the start reports every failure on the dashboard itself.
                e.Services.GetRequiredService<NsoFleet>().StartInstanceAsync(nso));
        NsoContainerPublishing.PublishAsContainer(nso);
        return nso;
    }

    /// <summary>
    /// Serves IPC over TCP. A non-loopback <paramref name="address"/> opens IPC to other hosts, so it
    /// needs the access check (<see cref="WithIpcAccessCheck"/>, before or after this call): without it the
    /// app host refuses to start.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="port">A fixed port; null plans one.</param>
    /// <param name="address">The address to listen on.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithTcpIpc(this IResourceBuilder<NsoResource> builder, int? port = null, string address = "127.0.0.1")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        var settings = builder.Resource.Declaration();
        if (settings.IpcChosen && settings.Ipc is IpcDeclaration.UnixSocket)
        {
            throw new InvalidOperationException($"NSO instance '{builder.Resource.Name}' already uses Unix-socket IPC; an instance has one IPC mode. Remove WithUnixSocketIpc() or WithTcpIpc().");
        }

        if (!IPAddress.TryParse(address, out _))
        {
            throw new ArgumentException($"'{address}' is not an IP address. Give WithTcpIpc an IPv4 or IPv6 address such as 127.0.0.1.", nameof(address));
        }

        DeclarationRules.CheckExplicitPort(builder, port, NsoPortKind.Ipc);
        settings.Ipc = new IpcDeclaration.Tcp(port, address);
        settings.IpcChosen = true;
        NsoEndpoints.Add(builder.Resource, NsoPortKind.Ipc);
        return builder;
    }

    /// <summary>
    /// Serves IPC on a Unix socket (NSO 6.4 and later); clients get <c>NCS_IPC_PATH</c>. On an older
    /// release it is refused: before start if <see cref="RunAsSimulator"/> names the release, else
    /// before the daemon starts, once <c>ncs --version</c> has told the version.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="path">The socket path (at most 107 bytes; relative to the app host's directory); null chooses a short per-user path in a directory of mode 0700.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithUnixSocketIpc(this IResourceBuilder<NsoResource> builder, string? path = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.Resource.Declaration();
        if (settings.IpcChosen && settings.Ipc is IpcDeclaration.Tcp)
        {
            throw new InvalidOperationException($"NSO instance '{builder.Resource.Name}' already uses TCP IPC; an instance has one IPC mode. Remove WithTcpIpc() or WithUnixSocketIpc().");
        }

        if (path is not null)
        {
            path = FullPath(builder, path);
            IpcSocketPaths.EnsureFits(path, builder.Resource.Name);
        }

        settings.Ipc = new IpcDeclaration.UnixSocket(path);
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
    /// shown in logs, the dashboard or the manifest. A published instance always has the check on; publishing
    /// writes its secret to <c>secrets/NAME/ipc_access</c> beside the manifest, from <paramref name="secret"/>
    /// (which must then have a value) or generated once and kept.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="secret">An Aspire secret parameter holding the secret (printable ASCII), or null to generate one.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithIpcAccessCheck(this IResourceBuilder<NsoResource> builder, IResourceBuilder<ParameterResource>? secret = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            // Published, the check is always on, with a generated secret parameter unless one is given.
            NsoContainerPublishing.UseSecret(builder, secret?.Resource);
            return builder;
        }

        builder.Resource.Declaration().AccessCheck = new AccessCheckDeclaration(secret?.Resource);
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
    /// The tag of Cisco's production image (<c>cisco-nso-prod</c>) the instance is published as; 6.5 by default.
    /// The tag's release (<c>MAJOR.MINOR</c>) chooses the ncs.conf band written for the container. Only
    /// publishing uses it: a run never adds an image to the instance.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="tag">An image tag that starts with the image's NSO release, such as <c>6.4</c> or <c>6.4.1.3</c>.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithContainerImageTag(this IResourceBuilder<NsoResource> builder, string tag)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(tag);
        NsoContainerPublishing.SetImageTag(builder, tag);
        return builder;
    }

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

        builder.Resource.Declaration().Engine = new EngineChoice.Simulator(simulated);
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
        builder.Resource.Declaration().Engine = new EngineChoice.Installation(FullPath(builder, ncsDir));
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
        var path = FullPath(builder, templatePath);
        builder.Resource.Declaration().Template = NcsConfTemplate.FromPath(path)
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
        foreach (var directory in packageDirectories.Select(p => FullPath(builder, p)))
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"The package directory '{directory}' for NSO instance '{builder.Resource.Name}' does not exist. Pass existing package directories to WithPackages.");
            }

            builder.Resource.Declaration().Packages.Add(directory);
        }

        return builder;
    }

    /// <summary>
    /// Gives the instance <paramref name="count"/> simulated devices of the NED in <paramref name="package"/>,
    /// named <paramref name="prefix"/>0, <paramref name="prefix"/>1, ..., as <c>ncs-netsim create-network</c> names
    /// them. Before the instance's first start the network is created in <c>RUN_DIR/netsim</c> on planned ports
    /// (never NETCONF 12022, CLI 10022 and the other netsim defaults, so networks of several instances or app
    /// hosts do not collide), its <c>ncs-netsim ncs-xml-init</c> data goes to <c>ncs-cdb/netsim_devices_init.xml</c>
    /// as <c>ncs-setup --netsim-dir</c> writes it, and the package is linked into <c>packages/</c>. The devices start,
    /// stop and reset with the instance. Call it again for devices of another NED.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="package">The NED package directory (holding package-meta-data.xml, and netsim/ for a real NSO's ncs-netsim); relative to the app host's directory.</param>
    /// <param name="count">How many devices, at least 1; an instance has at most 100 in all.</param>
    /// <param name="prefix">The start of each device name: a letter, then letters, digits or single hyphens (at most 30).</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithNetsimDevices(this IResourceBuilder<NsoResource> builder, string package, int count, string prefix)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(package);
        ArgumentNullException.ThrowIfNull(prefix);
        var name = builder.Resource.Name;
        var declaration = builder.Resource.Declaration();
        var declared = declaration.Netsim.Sum(n => n.Count);
        if (count < 1 || declared + count > NetsimDeclaration.MaxDevicesPerInstance)
        {
            throw new ArgumentOutOfRangeException(
                nameof(count),
                count,
                $"WithNetsimDevices asks for {count} devices on NSO instance '{name}', which has {declared} already; an instance has from 1 to {NetsimDeclaration.MaxDevicesPerInstance} devices in all. Pass a count from 1 to {NetsimDeclaration.MaxDevicesPerInstance - declared}, or put further devices on another instance.");
        }

        if (!NetsimDeclaration.IsValidPrefix(prefix))
        {
            throw new ArgumentException(
                $"The device prefix '{prefix}' for NSO instance '{name}' does not make valid device names: a prefix starts with a letter and goes on with letters, digits or single hyphens, at most 30 characters. Use a prefix such as \"ex\" (devices ex0, ex1, ...) or \"pe-\".",
                nameof(prefix));
        }

        var directory = FullPath(builder, package);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"The NED package directory '{directory}' for the devices '{prefix}' of NSO instance '{name}' does not exist. Pass WithNetsimDevices an existing package directory (relative paths start at the app host's directory), such as $NCS_DIR/packages/neds/<ned> with NSO.");
        }

        if (!File.Exists(Path.Combine(directory, "package-meta-data.xml")))
        {
            throw new FileNotFoundException($"'{directory}' holds no package-meta-data.xml, so it is not an NSO package, and ncs-netsim cannot read the NED's ned-id from it. Pass WithNetsimDevices the directory of a NED package (the one holding package-meta-data.xml).", Path.Combine(directory, "package-meta-data.xml"));
        }

        var network = new NetsimDeclaration(directory, count, prefix);
        var existing = declaration.Netsim.SelectMany(n => n.DeviceNames).ToHashSet(StringComparer.Ordinal);
        if (declaration.Netsim.Any(n => n.Prefix == prefix) || network.DeviceNames.FirstOrDefault(existing.Contains) is not null)
        {
            var clash = declaration.Netsim.Any(n => n.Prefix == prefix) ? $"the prefix '{prefix}' is given twice" : $"device {network.DeviceNames.First(existing.Contains)} would exist twice";
            throw new InvalidOperationException($"NSO instance '{name}' cannot have these devices: {clash}, and every device of an instance needs its own name. Give each WithNetsimDevices call a prefix of its own that is no other prefix followed by digits.");
        }

        declaration.Netsim.Add(network);
        foreach (var deviceName in network.DeviceNames)
        {
            AddDeviceResource(builder, deviceName);
        }

        return builder;
    }

    /// <summary>
    /// The dashboard resource of a device declared with <see cref="WithNetsimDevices"/>, named <c>INSTANCE-DEVICE</c>
    /// (<c>nso-1-ex0</c>), to reference or wait for: <c>project.WithReference(nso.GetNetsimDevice("ex0"))</c>.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="deviceName">The device's name, such as <c>ex0</c>.</param>
    /// <returns>The device's resource builder.</returns>
    public static IResourceBuilder<NetsimDeviceResource> GetNetsimDevice(this IResourceBuilder<NsoResource> builder, string deviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(deviceName);
        var devices = builder.Resource.Declaration().DeviceResources;
        var device = devices.FirstOrDefault(d => d.DeviceName == deviceName)
            ?? throw new ArgumentException(
                devices.Count == 0
                    ? $"NSO instance '{builder.Resource.Name}' has no netsim devices, so it has no device '{deviceName}'. Declare them first with WithNetsimDevices(package, count, prefix)."
                    : $"NSO instance '{builder.Resource.Name}' has no netsim device '{deviceName}'; its devices are {string.Join(", ", devices.Select(d => d.DeviceName))}. Pass one of these names.",
                nameof(deviceName));
        return builder.ApplicationBuilder.CreateResourceBuilder(device);
    }

    /// <summary>
    /// Points <paramref name="builder"/>'s resource at a netsim device: it gets <c>NAME_NETCONF_HOST</c>, <c>NAME_NETCONF_PORT</c>,
    /// <c>NAME_CLI_HOST</c>, <c>NAME_CLI_PORT</c> and <c>NAME_DEVICE</c> (the device's name in NSO), NAME being the device
    /// resource's name in capitals with <c>_</c> for <c>-</c> (<c>NSO_1_EX0_NETCONF_PORT</c>). Devices run only on this
    /// machine, so a published app host passes none of them.
    /// </summary>
    /// <typeparam name="TDestination">The dependent resource.</typeparam>
    /// <param name="builder">The dependent's builder.</param>
    /// <param name="device">The device, from <see cref="GetNetsimDevice"/>.</param>
    /// <returns>The dependent's builder.</returns>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<NetsimDeviceResource> device)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(device);
        if (builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        builder.WithReferenceRelationship(device.Resource);
        return builder.WithEnvironment(context => NetsimDeviceEnvironment.Apply(context, device.Resource));
    }

    private static void AddDeviceResource(IResourceBuilder<NsoResource> builder, string deviceName)
    {
        var name = $"{builder.Resource.Name}-{deviceName}";
        if (name.Length > NetsimDeviceEnvironment.MaxResourceNameLength)
        {
            throw new ArgumentException($"The device resource name '{name}' is longer than the {NetsimDeviceEnvironment.MaxResourceNameLength} characters Aspire allows. Choose a shorter prefix or instance name.", nameof(deviceName));
        }

        var device = new NetsimDeviceResource(name, deviceName, builder.Resource);
        NsoEndpoints.DeclareDevice(device);
        builder.Resource.Declaration().DeviceResources.Add(device);
        builder.ApplicationBuilder.AddResource(device)
            .WithInitialState(NsoDashboard.InitialDeviceSnapshot(device))
            .WithParentRelationship(builder.Resource)
            .WithNetsimDeviceCommands()
            .ExcludeFromManifest();
    }

    /// <summary>Keeps CDB data across runs (the default), or, with false, starts every run from empty CDB, logs and state.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="persist">False wipes the data before each start.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithDataPersistence(this IResourceBuilder<NsoResource> builder, bool persist = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Declaration().DataPersistence = persist;
        NsoContainerPublishing.SetDataPersistence(builder, persist);
        return builder;
    }

    /// <summary>
    /// Chooses what happens to the daemon when the app host stops. <see cref="Lifetime.Session"/> (the
    /// default) stops it with <c>ncs --stop</c>. <see cref="Lifetime.Persistent"/> leaves it running,
    /// and the next app host adopts it instead of starting a new one, so a restart of the app host does
    /// not cost NSO's start-up. That holds only while the daemon runs with what the new app host would write:
    /// the same ncs.conf, engine, environment, packages and secret. When any of these changed, the old daemon is
    /// stopped and a new one started. The dashboard's Stop command stops a persistent instance for real.
    /// </summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="lifetime">Session or Persistent.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithLifetime(this IResourceBuilder<NsoResource> builder, Lifetime lifetime)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!Enum.IsDefined(lifetime))
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), lifetime, $"Lifetime {lifetime} of NSO instance '{builder.Resource.Name}' is not Session or Persistent.");
        }

        builder.Resource.Declaration().Lifetime = lifetime;
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
        builder.Resource.Declaration().RunDirectory = FullPath(builder, path);
        return builder;
    }

    /// <summary>How long <c>ncs --wait-started</c> may take before the start counts as failed (60 s by default); a real NSO loading many packages may need more.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="timeout">The startup timeout.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithStartupTimeout(this IResourceBuilder<NsoResource> builder, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        builder.Resource.Declaration().StartupTimeout = timeout;
        return builder;
    }

    /// <summary>How long <c>ncs --stop</c> may take before the daemon is killed (10 s by default).</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="timeout">The stop timeout.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithStopTimeout(this IResourceBuilder<NsoResource> builder, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        builder.Resource.Declaration().StopTimeout = timeout;
        return builder;
    }

    /// <summary>
    /// Points <paramref name="builder"/>'s resource at the NSO instance. It always gets the instance as
    /// <c>ConnectionStrings__NAME</c> and <c>NAME_HOST</c>/<c>NAME_PORT</c> or <c>NAME_PATH</c>, <c>NAME_ACCESSFILE</c>,
    /// <c>NAME_RELEASE</c> and <c>NAME_URI</c>, so it can hold several instances (read them with
    /// <c>AddNsoIpcClient("NAME")</c>). With <paramref name="ncsIpcVariables"/> it also gets the plain
    /// variables NSO's own tools read: <c>NCS_IPC_ADDR</c> and <c>NCS_IPC_PORT</c>, or <c>NCS_IPC_PATH</c>,
    /// <c>NCS_IPC_ACCESS_FILE</c> when the access check is on, and <c>NCS_DIR</c>. Those exist once per
    /// process, so only one referenced instance may give them.
    /// </summary>
    /// <typeparam name="TDestination">The dependent resource.</typeparam>
    /// <param name="builder">The dependent's builder.</param>
    /// <param name="nso">The NSO instance.</param>
    /// <param name="connectionName">The name under ConnectionStrings; the instance's name by default.</param>
    /// <param name="ncsIpcVariables">False gives only the connection string and properties, for a second instance.</param>
    /// <returns>The dependent's builder.</returns>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, IResourceBuilder<NsoResource> nso, string? connectionName = null, bool ncsIpcVariables = true)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(nso);
        var destination = builder.Resource;
        var references = destination.Annotations.OfType<NsoReferenceAnnotation>().ToList();
        if (references.Any(r => ReferenceEquals(r.Nso, nso.Resource)))
        {
            return builder;
        }

        // One set of NCS_IPC_* per process: a second would overwrite part of the first (PATH beside
        // ADDR/PORT, one daemon's access file with the other's port).
        if (ncsIpcVariables && references.FirstOrDefault(r => r.NcsIpcVariables) is { } plain)
        {
            throw new InvalidOperationException(
                $"'{destination.Name}' already gets NCS_IPC_* from NSO instance '{plain.Nso.Name}', and a process has one set of them, so '{nso.Resource.Name}' cannot set them too. "
                + $"Reference '{nso.Resource.Name}' with WithReference({nso.Resource.Name}, ncsIpcVariables: false): it then reaches '{destination.Name}' as ConnectionStrings__{connectionName ?? nso.Resource.Name} (read it with AddNsoIpcClient(\"{connectionName ?? nso.Resource.Name}\")). "
                + "Or pass ncsIpcVariables: false on the other reference instead.");
        }

        destination.Annotations.Add(new NsoReferenceAnnotation(nso.Resource, ncsIpcVariables));
        NsoContainerPublishing.MountSecretInto(destination, nso.Resource);
        builder.WithReference((IResourceBuilder<IResourceWithConnectionString>)nso, connectionName);
        return ncsIpcVariables
            ? builder.WithEnvironment(context => NsoClientEnvironment.Apply(context, nso.Resource, destination))
            : builder;
    }

    private static IResourceBuilder<NsoResource> WithNorthbound(IResourceBuilder<NsoResource> builder, NsoPortKind kind, int? port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        DeclarationRules.CheckExplicitPort(builder, port, kind);
        builder.Resource.Declaration().Northbound[kind] = port;
        NsoEndpoints.Add(builder.Resource, kind);
        return builder;
    }

    private static IResourceBuilder<NsoResource> WithoutNorthbound(IResourceBuilder<NsoResource> builder, NsoPortKind kind)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Declaration().Northbound.Remove(kind);
        NsoEndpoints.Remove(builder.Resource, kind);
        return builder;
    }

    /// <summary>A relative path is taken from the app host's directory, as Aspire resolves its own paths.</summary>
    private static string FullPath(IResourceBuilder<NsoResource> builder, string path) =>
        Path.GetFullPath(path, builder.ApplicationBuilder.AppHostDirectory);

    private static void AddOrchestration(IServiceCollection services)
    {
        if (services.Any(d => d.ServiceType == typeof(NsoFleet)))
        {
            return;
        }

        services.TryAddSingleton<IProcessRunner, CliWrapProcessRunner>();
        services.TryAddSingleton<INorthboundConnector, SshNetNorthboundConnector>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NsoDashboard>();
        services.AddSingleton<RaftDashboard>();
        services.AddSingleton<NsoFleet>();
        services.AddHostedService(sp => sp.GetRequiredService<NsoFleet>());
        services.AddEventingSubscriber<NsoEventingSubscriber>();
    }
}

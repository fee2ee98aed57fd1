using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using NsoDev.Hosting.Engine;
using NsoDev.Hosting.Health;
using NsoDev.Hosting.Lifecycle;
using NsoDev.Hosting.Processes;
using NsoDev.Hosting.Publishing;

namespace Aspire.Hosting;

/// <summary>Declares NSO instances in an Aspire app host and points other resources at them.</summary>
public static class NsoBuilderExtensions
{
    /// <summary>
    /// Adds an NSO instance. In run mode it gets its own IPC, NETCONF and CLI ports, a runtime directory
    /// under <c>.nso/NAME</c> beside the app host, and an ncs.conf written from
    /// <c>instance-templates/default/ncs.conf</c>. A real NSO is used when one is found
    /// (<c>$NCS_DIR</c>, then <c>ncs</c> on PATH); otherwise the bundled simulator, nso-sim.
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

        return builder.AddResource(resource)
            .WithInitialState(NsoDashboard.InitialSnapshot())
            .WithHealthCheck(healthCheckKey)
            .WithManifestPublishingCallback(context => NsoManifestWriter.WriteAsync(context, resource))
            .OnInitializeResource((NsoResource nso, InitializeResourceEvent e, CancellationToken cancellationToken) =>
            {
                // Each instance starts on its own, so they start in parallel and one failure stops no other.
                var fleet = e.Services.GetRequiredService<NsoFleet>();
                _ = Task.Run(() => fleet.StartInstanceAsync(nso), CancellationToken.None);
                return Task.CompletedTask;
            });
    }

    /// <summary>Runs this instance on the bundled simulator, nso-sim, even when NSO is installed.</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> RunAsSimulator(this IResourceBuilder<NsoResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.Settings.Engine = new EngineChoice.Simulator();
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

    /// <summary>Writes this instance's ncs.conf from another template (a full ncs.conf, as ncs-setup makes).</summary>
    /// <param name="builder">The NSO resource builder.</param>
    /// <param name="templatePath">The template's path.</param>
    /// <returns>The resource builder.</returns>
    public static IResourceBuilder<NsoResource> WithTemplate(this IResourceBuilder<NsoResource> builder, string templatePath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(templatePath);
        builder.Resource.Settings.TemplatePath = Path.GetFullPath(templatePath);
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
    /// Points <paramref name="builder"/>'s resource at the NSO instance: it gets <c>NCS_IPC_ADDR</c> and
    /// <c>NCS_IPC_PORT</c>, which the <c>ncs</c> remote commands and the CLI tools read themselves.
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
        var ipc = nso.Resource.IpcEndpoint;
        return builder
            .WithReferenceRelationship(nso.Resource)
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["NCS_IPC_ADDR"] = ipc.Property(EndpointProperty.Host);
                context.EnvironmentVariables["NCS_IPC_PORT"] = ipc.Property(EndpointProperty.Port);
            });
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

        var runRoot = Path.Combine(builder.AppHostDirectory, ".nso");
        var template = Path.Combine(AppContext.BaseDirectory, "instance-templates", "default", "ncs.conf");
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            if (!builder.ExecutionContext.IsRunMode)
            {
                return Task.CompletedTask;
            }

            var resources = e.Model.Resources.OfType<NsoResource>().ToList();
            e.Services.GetRequiredService<NsoFleet>().PlanAll(resources, runRoot, template);
            return Task.CompletedTask;
        });
    }
}

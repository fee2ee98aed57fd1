using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Engine;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Lifecycle;

/// <summary>Marks a resource that references an NSO instance, so its container (if it is one) gets the secret mounted.</summary>
internal sealed record NsoReferenceAnnotation(NsoResource Nso) : IResourceAnnotation;

/// <summary>
/// The environment a client of an instance gets (NSO-NOTES §3): the IPC
/// variables that match the daemon's mode, and the access file exactly when the daemon checks.
/// </summary>
internal static class NsoClientEnvironment
{
    /// <summary>How a container reaches a port bound on the host.</summary>
    public const string ContainerHostAddress = "host.docker.internal";

    public static void Apply(EnvironmentCallbackContext context, NsoResource nso, IResource destination)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(nso);
        if (context.ExecutionContext.IsPublishMode)
        {
            ApplyForPublishing(context, nso);
            return;
        }

        var plan = nso.Plan ?? throw new InvalidOperationException($"NSO instance '{nso.Name}' has no plan yet; it is made when the app host starts.");
        if (destination is not ContainerResource)
        {
            foreach (var (name, value) in plan.IpcEnvironment)
            {
                context.EnvironmentVariables[name] = value;
            }

            // A client that runs nso-sim as its `ncs` must speak the simulated release's protocol,
            // as a real client must come from the daemon's release; NSO's own tools ignore the variable.
            if (nso.Settings.Engine is EngineChoice.Simulator simulator)
            {
                foreach (var (name, value) in simulator.Environment)
                {
                    context.EnvironmentVariables[name] = value ?? string.Empty;
                }
            }

            return;
        }

        // A container has a network of its own: it reaches the host's address, never its loopback,
        // and a host address is reachable from other hosts too, so the access check must be on.
        if (plan.Ipc is not NsoIpcEndpoint.Tcp tcp || tcp.Address == NsoInstancePlan.LoopbackAddress || !plan.AccessCheck)
        {
            throw new InvalidOperationException($"Container '{destination.Name}' cannot reach NSO instance '{nso.Name}', whose IPC is {plan.Ipc}: a container reaches neither the host's loopback nor its Unix sockets. Declare the instance with .WithIpcAccessCheck().WithTcpIpc(address: \"0.0.0.0\").");
        }

        context.EnvironmentVariables[NcsIpcVariables.Address] = ContainerHostAddress;
        context.EnvironmentVariables[NcsIpcVariables.Port] = tcp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.EnvironmentVariables[NcsIpcVariables.AccessFile] = ContainerSecretPath(nso);
    }

    /// <summary>Bind-mounts each referenced instance's secret directory, read-only, into the containers that reference it.</summary>
    public static void MountSecretsIntoContainers(DistributedApplicationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var container in model.Resources.OfType<ContainerResource>())
        {
            foreach (var reference in container.Annotations.OfType<NsoReferenceAnnotation>().ToList())
            {
                if (reference.Nso.Plan?.AccessFile is { } accessFile)
                {
                    container.Annotations.Add(new ContainerMountAnnotation(Path.GetDirectoryName(accessFile)!, ContainerSecretDirectory(reference.Nso), ContainerMountType.BindMount, isReadOnly: true));
                }
            }
        }
    }

    public static string ContainerSecretDirectory(NsoResource nso) => $"/run/nsodev/{nso.Name}";

    public static string ContainerSecretPath(NsoResource nso) => $"{ContainerSecretDirectory(nso)}/ipc_access";

    /// <summary>In the manifest, clients refer to the instance's <c>ipc</c> binding.</summary>
    private static void ApplyForPublishing(EnvironmentCallbackContext context, NsoResource nso)
    {
        if (!nso.TryGetEndpoints(out var endpoints) || !endpoints.Any(e => e.Name == NsoResource.IpcEndpointName))
        {
            return;
        }

        var ipc = nso.IpcEndpoint;
        context.EnvironmentVariables[NcsIpcVariables.Address] = ipc.Property(EndpointProperty.Host);
        context.EnvironmentVariables[NcsIpcVariables.Port] = ipc.Property(EndpointProperty.Port);
        if (nso.Settings.AccessCheck is not null)
        {
            context.EnvironmentVariables[NcsIpcVariables.AccessFile] = ContainerSecretPath(nso);
        }
    }
}

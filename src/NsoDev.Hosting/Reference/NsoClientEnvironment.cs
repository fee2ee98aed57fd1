using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Reference;

/// <summary>
/// Marks a resource that references an NSO instance. <paramref name="NcsIpcVariables"/> is true for the
/// one instance whose plain <c>NCS_IPC_*</c> variables the dependent gets.
/// </summary>
internal sealed record NsoReferenceAnnotation(NsoResource Nso, bool NcsIpcVariables) : IResourceAnnotation;

/// <summary>
/// The plain environment NSO's own tools read (NSO-NOTES §3), for the one instance a dependent names
/// for them: the IPC variables that match the daemon's mode, the access file exactly when the daemon
/// checks, and where the engine's tools are (<c>NCS_DIR</c>, <c>NSODEV_NCS</c>).
/// </summary>
internal static class NsoClientEnvironment
{
    /// <summary>The <c>ncs</c> program of the instance's engine: <c>$NCS_DIR/bin/ncs</c> for NSO, nso-sim's path for the simulator.</summary>
    public const string NcsExecutableVariable = "NSODEV_NCS";

    /// <summary>The release <c>AddNsoIpcClient()</c> announces in its plain <c>NCS_IPC_*</c> form (the NsoDev:Ipc:Release setting).</summary>
    public const string PlainFormReleaseVariable = "NsoDev__Ipc__Release";

    public static void Apply(EnvironmentCallbackContext context, NsoResource nso, IResource destination)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(nso);
        if (context.ExecutionContext.IsPublishMode)
        {
            ApplyForPublishing(context, nso);
            return;
        }

        var plan = nso.RequirePlan();
        if (destination is ContainerResource)
        {
            ApplyForContainer(context, nso, plan, destination);
            return;
        }

        foreach (var (name, value) in plan.IpcEnvironment)
        {
            context.EnvironmentVariables[name] = value;
        }

        // NSO's tools need their installation besides IPC; a client of nso-sim must also speak the
        // simulated release, as a real client must come from the daemon's release.
        if (nso.Published().Engine is { } engine)
        {
            context.EnvironmentVariables["NCS_DIR"] = engine.InstallationDirectory;
            context.EnvironmentVariables[NcsExecutableVariable] = engine.Executable;
            // NsoDev.Client's plain form reads the release from its settings, as NSO's tools have it built in.
            context.EnvironmentVariables[PlainFormReleaseVariable] = engine.Version.ToString();
            foreach (var (name, value) in engine.Environment)
            {
                context.EnvironmentVariables[name] = value ?? string.Empty;
            }
        }
    }

    /// <summary>Bind-mounts each referenced instance's secret directory, read-only, into the containers that reference it.</summary>
    public static void MountSecretsIntoContainers(DistributedApplicationModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var container in model.Resources.OfType<ContainerResource>())
        {
            foreach (var reference in container.Annotations.OfType<NsoReferenceAnnotation>().ToList())
            {
                if (reference.Nso.PlanOrNull()?.AccessFile is { } accessFile)
                {
                    container.Annotations.Add(new ContainerMountAnnotation(Path.GetDirectoryName(accessFile)!, NsoConnection.ContainerSecretDirectory(reference.Nso), ContainerMountType.BindMount, isReadOnly: true));
                }
            }
        }
    }

    /// <summary>
    /// A container has a network of its own: it reaches the host's address, never its loopback, and a
    /// host address is reachable from other hosts too, so the access check must be on.
    /// </summary>
    public static void EnsureReachableFromContainer(NsoInstancePlan plan, NsoResource nso, IResource container)
    {
        if (plan.Ipc is not NsoIpcEndpoint.Tcp tcp || tcp.Address == NsoDeclaration.LoopbackAddress || !plan.AccessCheck)
        {
            throw new InvalidOperationException($"Container '{container.Name}' cannot reach NSO instance '{nso.Name}', whose IPC is {plan.Ipc}: a container reaches neither the host's loopback nor its Unix sockets. Declare the instance with .WithIpcAccessCheck().WithTcpIpc(address: \"0.0.0.0\").");
        }
    }

    private static void ApplyForContainer(EnvironmentCallbackContext context, NsoResource nso, NsoInstancePlan plan, IResource container)
    {
        EnsureReachableFromContainer(plan, nso, container);
        var tcp = (NsoIpcEndpoint.Tcp)plan.Ipc;
        context.EnvironmentVariables[NcsIpcVariables.Address] = NsoConnection.ContainerHostAddress;
        context.EnvironmentVariables[NcsIpcVariables.Port] = tcp.Port.ToString(CultureInfo.InvariantCulture);
        context.EnvironmentVariables[NcsIpcVariables.AccessFile] = NsoConnection.ContainerSecretPath(nso);
    }

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
        if (nso.Declaration().AccessCheck is not null)
        {
            context.EnvironmentVariables[NcsIpcVariables.AccessFile] = NsoConnection.ContainerSecretPath(nso);
        }
    }
}

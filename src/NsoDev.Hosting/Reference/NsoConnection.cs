using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
using NsoDev.Hosting.Launch;
using NsoDev.Hosting.Plan;
using NsoDev.Hosting.Publishing;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Reference;

/// <summary>
/// An instance's connection string and connection properties, from its plan when the app host runs
/// and from its <c>ipc</c> binding in the manifest. Every dependent gets them as
/// <c>ConnectionStrings__NAME</c> and <c>NAME_HOST</c>, <c>NAME_PORT</c>, <c>NAME_PATH</c>,
/// <c>NAME_ACCESSFILE</c>, <c>NAME_RELEASE</c>, <c>NAME_URI</c>: the form that lets one client hold several instances.
/// </summary>
internal static class NsoConnection
{
    // The keys the client parses (NsoDev.Ipc), and Uri, a property only.
    public const string Host = NsoIpcConnectionString.HostKey;
    public const string Port = NsoIpcConnectionString.PortKey;
    public const string Path = NsoIpcConnectionString.PathKey;
    public const string AccessFile = NsoIpcConnectionString.AccessFileKey;
    public const string Release = NsoIpcConnectionString.ReleaseKey;
    public const string Uri = "Uri";

    /// <summary>How a container reaches a port bound on the host.</summary>
    public const string ContainerHostAddress = "host.docker.internal";

    public static ReferenceExpression ConnectionString(NsoResource nso)
    {
        var builder = new ReferenceExpressionBuilder();
        var first = true;
        foreach (var (name, value) in Values(nso).Where(v => v.Name != Uri))
        {
            builder.AppendLiteral(first ? $"{name}=" : $";{name}=");
            builder.AppendFormatted(value);
            first = false;
        }

        return builder.Build();
    }

    public static IEnumerable<KeyValuePair<string, ReferenceExpression>> Properties(NsoResource nso) =>
        Values(nso).Select(v => new KeyValuePair<string, ReferenceExpression>(v.Name, ReferenceExpression.Create($"{v.Value}")));

    /// <summary>The container path of an instance's secret file, bind-mounted read-only.</summary>
    public static string ContainerSecretPath(NsoResource nso) => $"{ContainerSecretDirectory(nso)}/ipc_access";

    public static string ContainerSecretDirectory(NsoResource nso) => $"/run/nsodev/{nso.Name}";

    /// <summary>The values that apply: the shape follows the declaration (TCP or Unix socket, access check or not), the values the plan.</summary>
    private static IEnumerable<(string Name, PlannedValue Value)> Values(NsoResource nso)
    {
        var declaration = nso.Declaration();
        var socket = declaration.Ipc is IpcDeclaration.UnixSocket && !declaration.IsPublishMode;
        if (socket)
        {
            yield return (Path, new PlannedValue(nso, Path, (plan, _, _) => ((NsoIpcEndpoint.UnixSocket)plan.Ipc).Path, null));
        }
        else
        {
            yield return (Host, new PlannedValue(nso, Host, (plan, _, container) => container ? ContainerHostAddress : ((NsoIpcEndpoint.Tcp)plan.Ipc).Address, nso.IpcEndpoint.Property(EndpointProperty.Host)));
            yield return (Port, new PlannedValue(nso, Port, (plan, _, _) => ((NsoIpcEndpoint.Tcp)plan.Ipc).Port.ToString(CultureInfo.InvariantCulture), nso.IpcEndpoint.Property(EndpointProperty.Port)));
        }

        if (declaration.AccessCheck is not null)
        {
            yield return (AccessFile, new PlannedValue(nso, AccessFile, (plan, _, container) => container ? ContainerSecretPath(nso) : plan.AccessFile, ContainerSecretPath(nso)));
        }

        // Published, the release is the image's (its tag), which the container's ncs.conf is written for.
        yield return declaration.IsPublishMode
            ? (Release, new PlannedValue(nso, Release, (_, engine, _) => (engine?.Version ?? EngineRelease(declaration)).ToString(), NsoContainerPublishing.ImageRelease(nso).ToString()))
            : (Release, new PlannedValue(nso, Release, (_, engine, _) => (engine?.Version ?? EngineRelease(declaration)).ToString(), null));

        yield return (Uri, new PlannedValue(nso, Uri, (plan, _, container) => plan.Ipc switch
        {
            NsoIpcEndpoint.Tcp tcp => $"tcp://{(container ? ContainerHostAddress : tcp.Address)}:{tcp.Port.ToString(CultureInfo.InvariantCulture)}",
            NsoIpcEndpoint.UnixSocket unix => $"unix://{unix.Path}",
            _ => null,
        }, null, socket ? null : $"tcp://{{{nso.Name}.bindings.{NsoResource.IpcEndpointName}.host}}:{{{nso.Name}.bindings.{NsoResource.IpcEndpointName}.port}}"));
    }

    /// <summary>The release a client must speak when the engine could not be located: the simulated one, or nso-sim's default.</summary>
    private static NsoRelease EngineRelease(NsoDeclaration declaration) =>
        declaration.Engine is EngineChoice.Simulator { Release: { } release } ? release : SimulatorReleases.Default;

    /// <summary>
    /// One value of the plan, read when a dependent's environment is built (after planning), or its
    /// manifest form: the endpoint's binding, or a fixed text.
    /// </summary>
    private sealed class PlannedValue(NsoResource nso, string name, Func<NsoInstancePlan, NcsEngine?, bool, string?> select, object? manifestValue, string? manifestExpression = null)
        : IValueProvider, IManifestExpressionProvider, IValueWithReferences
    {
        public string ValueExpression => manifestExpression ?? manifestValue switch
        {
            IManifestExpressionProvider provider => provider.ValueExpression,
            string text => text,
            // Only in run mode, where nothing is published: a name that says what the value is.
            _ => $"{{{nso.Name}.{name.ToLowerInvariant()}}}",
        };

        public IEnumerable<object> References => manifestValue is IManifestExpressionProvider provider ? [nso, provider] : [nso];

        public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(Select(caller: null));

        public ValueTask<string?> GetValueAsync(ValueProviderContext context, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(Select(context?.Caller));

        private string? Select(IResource? caller)
        {
            var published = nso.Published();
            if (published.Plan is not { } plan)
            {
                throw new InvalidOperationException($"NSO instance '{nso.Name}' has no plan yet, so its {name} is not known; it is planned when the app host starts.");
            }

            // A container reaches only a host address with the check on, whichever form it is given.
            if (caller is ContainerResource container)
            {
                NsoClientEnvironment.EnsureReachableFromContainer(plan, nso, container);
            }

            return select(plan, published.Engine, caller is ContainerResource);
        }
    }
}

using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Plan;
using NsoDev.Ipc;

namespace NsoDev.Hosting.Serve;

/// <summary>
/// The resource's endpoints. They are declared with NSO's stock ports (what the manifest shows, since a
/// container has its own network) and, in run mode, allocated to the planned ports. Aspire does not
/// proxy them: the daemon binds the port itself.
/// </summary>
internal static class NsoEndpoints
{
    public static void Declare(NsoResource resource)
    {
        foreach (var kind in new[] { NsoPortKind.Ipc, NsoPortKind.Netconf, NsoPortKind.Cli })
        {
            Add(resource, kind);
        }
    }

    public static void Add(NsoResource resource, NsoPortKind kind)
    {
        if (Find(resource, kind) is not null)
        {
            return;
        }

        resource.Annotations.Add(new EndpointAnnotation(
            ProtocolType.Tcp,
            uriScheme: kind switch { NsoPortKind.Ipc => "tcp", NsoPortKind.WebUi => "http", _ => "ssh" },
            transport: kind == NsoPortKind.WebUi ? "http" : "tcp",
            name: kind.EndpointName(),
            port: null,
            targetPort: kind.StockPort(),
            isExternal: false,
            isProxied: false));
    }

    public static void Remove(NsoResource resource, NsoPortKind kind)
    {
        if (Find(resource, kind) is { } endpoint)
        {
            resource.Annotations.Remove(endpoint);
        }
    }

    public static EndpointAnnotation? Find(NsoResource resource, NsoPortKind kind) =>
        resource.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == kind.EndpointName());

    public static void Allocate(NsoResource resource, NsoInstancePlan plan)
    {
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            var kind = NsoPortKinds.FromEndpointName(endpoint.Name) ?? throw new InvalidOperationException($"Endpoint '{endpoint.Name}' of '{resource.Name}' is not an NSO port.");
            if (!plan.Ports.Ports.TryGetValue(kind, out var port))
            {
                continue;
            }

            var address = kind == NsoPortKind.Ipc && plan.Ipc is NsoIpcEndpoint.Tcp tcp ? tcp.Address : plan.NorthboundAddress;
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, address, port);
        }
    }
}

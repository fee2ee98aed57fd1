using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Planning;

namespace NsoDev.Hosting.Lifecycle;

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
            resource.Annotations.Add(new EndpointAnnotation(
                ProtocolType.Tcp,
                uriScheme: kind == NsoPortKind.Ipc ? "tcp" : "ssh",
                transport: "tcp",
                name: kind.EndpointName(),
                port: null,
                targetPort: kind.StockPort(),
                isExternal: false,
                isProxied: false));
        }
    }

    public static void Allocate(NsoResource resource, NsoInstancePlan plan)
    {
        foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
        {
            var kind = Enum.GetValues<NsoPortKind>().Single(k => k.EndpointName() == endpoint.Name);
            if (!plan.Ports.Ports.TryGetValue(kind, out var port))
            {
                continue;
            }

            var address = kind == NsoPortKind.Ipc ? NsoInstancePlan.IpcAddress : resource.Settings.NorthboundAddress;
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, address, port);
        }
    }
}

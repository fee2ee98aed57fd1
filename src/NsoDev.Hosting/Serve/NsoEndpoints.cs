using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using NsoDev.Hosting.Declare;
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

    /// <summary>A device's NETCONF and CLI, unproxied like the instance's, on ncs-netsim's default ports until planned.</summary>
    public static void DeclareDevice(NetsimDeviceResource device)
    {
        foreach (var (name, stock) in new[] { (NetsimDeviceResource.NetconfEndpointName, 12022), (NetsimDeviceResource.CliEndpointName, 10022) })
        {
            device.Annotations.Add(new EndpointAnnotation(ProtocolType.Tcp, uriScheme: "ssh", transport: "tcp", name: name, port: null, targetPort: stock, isExternal: false, isProxied: false));
        }
    }

    /// <summary>Each device resource's endpoints to its planned ports.</summary>
    public static void AllocateDevices(NsoResource resource, NsoInstancePlan plan)
    {
        var planned = plan.Netsim?.Devices.ToDictionary(d => d.Name, StringComparer.Ordinal) ?? [];
        foreach (var device in resource.Declaration().DeviceResources)
        {
            if (!planned.TryGetValue(device.DeviceName, out var ports))
            {
                continue;
            }

            foreach (var endpoint in device.Annotations.OfType<EndpointAnnotation>())
            {
                var port = endpoint.Name == NetsimDeviceResource.NetconfEndpointName ? ports.NetconfPort : ports.CliPort;
                endpoint.Port = port;
                endpoint.TargetPort = port;
                endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, NsoDeclaration.LoopbackAddress, port);
            }
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

    /// <summary>A cluster's leader endpoints, declared on NSO's stock ports until planned.</summary>
    public static void DeclareCluster(NsoRaftClusterResource cluster)
    {
        foreach (var (name, stock) in new[] { (NsoRaftClusterResource.NetconfEndpointName, NsoPortKind.Netconf.StockPort()), (NsoRaftClusterResource.CliEndpointName, NsoPortKind.Cli.StockPort()) })
        {
            cluster.Annotations.Add(new EndpointAnnotation(ProtocolType.Tcp, uriScheme: "ssh", transport: "tcp", name: name, port: null, targetPort: stock, isExternal: false, isProxied: false));
        }
    }

    /// <summary>A cluster's endpoints to its planned <c>ha-primary-listen</c> ports.</summary>
    public static void AllocateCluster(NsoRaftClusterResource cluster, Raft.RaftClusterPlan plan)
    {
        foreach (var endpoint in cluster.Annotations.OfType<EndpointAnnotation>())
        {
            var port = endpoint.Name == NsoRaftClusterResource.NetconfEndpointName ? plan.PrimaryListen.NetconfSshPort : plan.PrimaryListen.CliSshPort;
            endpoint.Port = port;
            endpoint.TargetPort = port;
            endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, plan.PrimaryListen.Address, port);
        }
    }
}

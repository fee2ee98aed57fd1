using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Devices;

/// <summary>
/// The device actions as NETCONF RPCs (NSO-NOTES §11): YANG 1.1's <c>&lt;action&gt;</c> (RFC 7950 section 7.15.2),
/// whose output elements go straight into <c>&lt;rpc-reply&gt;</c>, or Tail-f's <c>&lt;action&gt;&lt;data&gt;</c>, answered
/// with <c>&lt;data&gt;</c> holding the path down to the action and its output inside it.
/// </summary>
/// <example>
/// <code>
/// &lt;action xmlns="urn:ietf:params:xml:ns:yang:1"&gt;
///   &lt;devices xmlns="http://tail-f.com/ns/ncs"&gt;&lt;device&gt;&lt;name&gt;d0&lt;/name&gt;&lt;sync-from/&gt;&lt;/device&gt;&lt;/devices&gt;
/// &lt;/action&gt;
/// </code>
/// is answered with <c>&lt;rpc-reply&gt;&lt;result xmlns="http://tail-f.com/ns/ncs"&gt;true&lt;/result&gt;&lt;/rpc-reply&gt;</c>.
/// </example>
internal static class NetconfDeviceActions
{
    public static readonly XName YangAction = XName.Get("action", "urn:ietf:params:xml:ns:yang:1");

    public static readonly XName TailfAction = XName.Get("action", "http://tail-f.com/ns/netconf/actions/1.0");

    private const string Served = "nso-sim runs /devices/fetch-ssh-host-keys, connect, sync-from and check-sync, and on /devices/device{NAME} connect, sync-from, check-sync and ssh/fetch-host-keys";

    public static bool IsAction(XElement operation) => operation.Name == YangAction || operation.Name == TailfAction;

    /// <exception cref="NetconfRpcException">The path names no action nso-sim runs, or no device that exists.</exception>
    /// <exception cref="DataStoreException">The results could not be stored.</exception>
    public static RpcReply Handle(DeviceManager? devices, XElement operation, string user, uint sessionId)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (RemoteNodeOf(operation) is { } remoteNode)
        {
            return HandleRemoteNode(devices, operation, remoteNode, user, sessionId);
        }

        var action = Parse(operation);
        if (devices is null)
        {
            throw new NetconfRpcException(RpcErrors.OperationNotSupported("action", "this daemon has no device manager"));
        }

        try
        {
            var output = devices.Run(action, user, sessionId);
            return new OutputReply(operation.Name == TailfAction ? [InTailfPath(action, output)] : output);
        }
        catch (DeviceActionException e)
        {
            throw new NetconfRpcException(RpcErrors.InvalidValue("name", e.Message));
        }
    }

    /// <summary>The action the request's path leads to.</summary>
    /// <exception cref="NetconfRpcException">It leads to none that nso-sim runs.</exception>
    public static DeviceAction Parse(XElement operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var top = operation.Name == TailfAction ? operation.Element(operation.Name.Namespace + "data") : operation;
        if (top?.Element(NcsDevicesXml.Ns + "devices") is not { } devicesNode)
        {
            throw Unsupported("the action's path does not start at /devices in http://tail-f.com/ns/ncs");
        }

        if (devicesNode.Element(NcsDevicesXml.Ns + "device") is { } device)
        {
            var name = NcsDevicesXml.Leaf(device, "name") ?? throw new NetconfRpcException(RpcErrors.MissingElement("name", "device"));
            var verb = device.Elements().FirstOrDefault(e => e.Name.LocalName != "name");
            if (verb?.Name == NcsDevicesXml.Ns + "ssh")
            {
                verb = verb.Element(NcsDevicesXml.Ns + "fetch-host-keys");
            }
            else if (verb?.Name.LocalName == "fetch-host-keys")
            {
                verb = null;
            }

            return verb is not null && DeviceAction.KindOf(verb.Name.LocalName, oneDevice: true) is { } kind
                ? new DeviceAction(kind, name)
                : throw Unsupported($"no such action on {NcsDevicesXml.PathOf(name)}: {verb?.Name.LocalName ?? "none given"}");
        }

        var all = devicesNode.Elements().FirstOrDefault();
        return all is not null && DeviceAction.KindOf(all.Name.LocalName, oneDevice: false) is { } allKind
            ? new DeviceAction(allKind, null, all.Element(NcsDevicesXml.Ns + "suppress-positive-result") is not null)
            : throw Unsupported($"no such action on /devices: {all?.Name.LocalName ?? "none given"}");
    }

    /// <summary>
    /// The remote node of <c>/cluster/remote-node{NAME}/ssh/fetch-host-keys</c>, the one cluster action nso-sim runs;
    /// null when the path does not start at <c>/cluster</c>.
    /// </summary>
    /// <exception cref="NetconfRpcException">It starts at /cluster but leads to no action nso-sim runs.</exception>
    public static string? RemoteNodeOf(XElement operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var top = operation.Name == TailfAction ? operation.Element(operation.Name.Namespace + "data") : operation;
        if (top?.Element(NcsDevicesXml.Ns + "cluster") is not { } cluster)
        {
            return null;
        }

        const string ClusterServed = "on /cluster nso-sim runs only remote-node{NAME}/ssh/fetch-host-keys";
        var node = cluster.Element(NcsDevicesXml.Ns + "remote-node") ?? throw new NetconfRpcException(RpcErrors.OperationNotSupported("action", $"no such action on /cluster: {cluster.Elements().FirstOrDefault()?.Name.LocalName ?? "none given"}; {ClusterServed}"));
        var name = NcsDevicesXml.Leaf(node, "name") ?? throw new NetconfRpcException(RpcErrors.MissingElement("name", "remote-node"));
        return node.Element(NcsDevicesXml.Ns + "ssh")?.Element(NcsDevicesXml.Ns + "fetch-host-keys") is not null
            ? name
            : throw new NetconfRpcException(RpcErrors.OperationNotSupported("action", $"no such action on /cluster/remote-node{{{name}}}; {ClusterServed}"));
    }

    private static OutputReply HandleRemoteNode(DeviceManager? devices, XElement operation, string name, string user, uint sessionId)
    {
        if (devices is null)
        {
            throw new NetconfRpcException(RpcErrors.OperationNotSupported("action", "this daemon has no device manager"));
        }

        try
        {
            var output = devices.FetchRemoteNodeHostKeys(name, user, sessionId);
            if (operation.Name != TailfAction)
            {
                return new OutputReply(output);
            }

            var path = new XElement(
                NcsDevicesXml.Ns + "cluster",
                new XElement(NcsDevicesXml.Ns + "remote-node", new XElement(NcsDevicesXml.Ns + "name", name), new XElement(NcsDevicesXml.Ns + "ssh", new XElement(NcsDevicesXml.Ns + "fetch-host-keys", output))));
            return new OutputReply([new XElement(XName.Get("data", NetconfXml.Base), path)]);
        }
        catch (DeviceActionException e)
        {
            throw new NetconfRpcException(RpcErrors.InvalidValue("name", e.Message));
        }
    }

    /// <summary>
    /// Tail-f's form answers inside <c>&lt;data&gt;</c>, down the request's path:
    /// <c>&lt;data&gt;&lt;devices&gt;&lt;device&gt;&lt;name&gt;ce1&lt;/name&gt;&lt;sync-from&gt;&lt;result&gt;true&lt;/result&gt;&lt;/sync-from&gt;...</c>.
    /// </summary>
    private static XElement InTailfPath(DeviceAction action, IReadOnlyList<XElement> output)
    {
        XElement verb = new(NcsDevicesXml.Ns + action.Name, output);
        if (action.Device is { } name)
        {
            var below = action.Kind == DeviceActionKind.FetchSshHostKeys ? new XElement(NcsDevicesXml.Ns + "ssh", verb) : verb;
            verb = new XElement(NcsDevicesXml.Ns + "device", new XElement(NcsDevicesXml.Ns + "name", name), below);
        }

        return new XElement(XName.Get("data", NetconfXml.Base), new XElement(NcsDevicesXml.Ns + "devices", verb));
    }

    private static NetconfRpcException Unsupported(string why) => new(RpcErrors.OperationNotSupported("action", $"{why}; {Served}"));

    /// <summary>An action's output: its elements as children of rpc-reply (RFC 7950 section 7.15.2).</summary>
    private sealed class OutputReply(IReadOnlyList<XElement> output) : RpcReply
    {
        public override async Task WriteBodyAsync(System.Xml.XmlWriter writer, CancellationToken cancellationToken)
        {
            foreach (var element in output)
            {
                await element.WriteToAsync(writer, cancellationToken);
            }
        }
    }
}

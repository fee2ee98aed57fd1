using System.Xml.Linq;
using NsoDev.Simulator.Devices;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.HaRaft;

/// <summary>
/// <c>/ha-raft/create-cluster</c> and <c>/ha-raft/handover</c> as NETCONF actions, in YANG 1.1's form or Tail-f's
/// (<c>&lt;action xmlns="http://tail-f.com/ns/netconf/actions/1.0"&gt;&lt;data&gt;...</c>), as the device actions take them:
/// <code>
/// &lt;action xmlns="urn:ietf:params:xml:ns:yang:1"&gt;
///   &lt;ha-raft xmlns="http://tail-f.com/ns/ncs/high-availability/raft"&gt;
///     &lt;create-cluster&gt;&lt;member&gt;ncsd2@127.0.0.1&lt;/member&gt;&lt;member&gt;ncsd3@127.0.0.1&lt;/member&gt;&lt;/create-cluster&gt;
///   &lt;/ha-raft&gt;
/// &lt;/action&gt;
/// </code>
/// Both actions have no output in the YANG, so a success is <c>&lt;ok/&gt;</c>; a refusal is an
/// <c>operation-failed</c> rpc-error with the CLI's message.
/// </summary>
internal static class HaRaftNetconfActions
{
    /// <summary>True when the action's path starts at <c>/ha-raft</c>.</summary>
    public static bool Targets(XElement operation) => Root(operation) is not null;

    /// <exception cref="NetconfRpcException">No HA Raft here, an action nso-sim does not run, or the action was refused.</exception>
    public static RpcReply Handle(HaRaftNode? node, XElement operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var action = Root(operation)?.Elements().FirstOrDefault();
        if (node is null)
        {
            throw new NetconfRpcException(RpcErrors.OperationFailed("HA Raft is not enabled on this node; set /ncs-config/ha-raft/enabled to true in ncs.conf and restart"));
        }

        using var timeout = new CancellationTokenSource(Cli.HaRaftCliCommands.ActionTimeout);
        try
        {
            switch (action?.Name.LocalName)
            {
                case "create-cluster":
                    var members = action.Elements(HaRaftXml.Ns + "member").Select(m => m.Value.Trim()).ToList();
                    if (members.Count == 0)
                    {
                        throw new NetconfRpcException(RpcErrors.MissingElement("member", "create-cluster"));
                    }

                    node.CreateClusterAsync(members, timeout.Token).GetAwaiter().GetResult();
                    break;
                case "handover":
                    node.HandoverAsync(action.Element(HaRaftXml.Ns + "to-member")?.Value.Trim(), timeout.Token).GetAwaiter().GetResult();
                    break;
                default:
                    throw new NetconfRpcException(RpcErrors.OperationNotSupported(
                        "action",
                        $"no such action on /ha-raft: {action?.Name.LocalName ?? "none given"}; nso-sim runs /ha-raft/create-cluster and /ha-raft/handover"));
            }
        }
        catch (HaRaftActionException e)
        {
            throw new NetconfRpcException(RpcErrors.OperationFailed(e.Message));
        }

        return RpcReply.Ok;
    }

    private static XElement? Root(XElement operation)
    {
        if (!NetconfDeviceActions.IsAction(operation))
        {
            return null;
        }

        var top = operation.Name == NetconfDeviceActions.TailfAction ? operation.Element(operation.Name.Namespace + "data") : operation;
        return top?.Element(HaRaftXml.Ns + "ha-raft");
    }
}

using System.Xml;
using System.Xml.Linq;

namespace NsoDev.Simulator.Netconf;

/// <summary>What goes inside <c>&lt;rpc-reply&gt;</c>: <c>&lt;ok/&gt;</c>, <c>&lt;data&gt;</c> or rpc-errors.</summary>
internal abstract class RpcReply
{
    public static RpcReply Ok { get; } = new OkReply();

    /// <summary>The nodes are written straight from the snapshot into the outgoing frames, never copied.</summary>
    public static RpcReply Data(IEnumerable<XElement> nodes) => new DataReply(nodes);

    public static RpcReply Error(RpcError error) => new ErrorReply(error);

    public abstract Task WriteBodyAsync(XmlWriter writer, CancellationToken cancellationToken);

    private sealed class OkReply : RpcReply
    {
        public override async Task WriteBodyAsync(XmlWriter writer, CancellationToken cancellationToken)
        {
            await writer.WriteStartElementAsync(null, "ok", NetconfXml.Base);
            await writer.WriteEndElementAsync();
        }
    }

    private sealed class DataReply(IEnumerable<XElement> nodes) : RpcReply
    {
        public override async Task WriteBodyAsync(XmlWriter writer, CancellationToken cancellationToken)
        {
            await writer.WriteStartElementAsync(null, "data", NetconfXml.Base);
            foreach (var node in nodes)
            {
                await node.WriteToAsync(writer, cancellationToken);
            }

            await writer.WriteEndElementAsync();
        }
    }

    private sealed class ErrorReply(RpcError error) : RpcReply
    {
        public override Task WriteBodyAsync(XmlWriter writer, CancellationToken cancellationToken) => RpcErrors.WriteAsync(writer, error);
    }
}

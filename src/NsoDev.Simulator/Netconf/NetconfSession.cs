using System.IO.Pipelines;
using System.Text;
using System.Xml;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;

namespace NsoDev.Simulator.Netconf;

/// <summary>
/// One NETCONF session on one channel: hellos in end-of-message framing, then chunked framing if
/// both sides advertised :base:1.1, then one reply per <c>&lt;rpc&gt;</c>, in order. What the client
/// sends never escapes as an exception: bad XML is answered with malformed-message and the session
/// goes on; broken framing is answered once and ends the session.
/// </summary>
internal sealed class NetconfSession
{
    private static readonly XmlWriterSettings WriterSettings = new()
    {
        Async = true,
        Encoding = new UTF8Encoding(false),
        CloseOutput = false,
    };

    private readonly NetconfServer _server;
    private readonly Stream _channel;
    private readonly uint _id;
    private readonly CancellationToken _cancellationToken;
    private readonly NetconfOperations _operations;
    private NetconfFraming _framing = NetconfFraming.EndOfMessage;

    public NetconfSession(NetconfServer server, Stream channel, string user, uint id, CancellationToken cancellationToken)
    {
        _server = server;
        _channel = channel;
        _id = id;
        _cancellationToken = cancellationToken;
        _operations = new NetconfOperations(server, id, user);
    }

    /// <returns>0 for a normal end (client EOF, close-session, killed, daemon stop); 1 after a protocol error.</returns>
    public async Task<int> RunAsync()
    {
        var input = PipeReader.Create(_channel, new StreamPipeReaderOptions(leaveOpen: true));
        try
        {
            return await ServeAsync(input);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Killed, the daemon is stopping, or the channel went away: nobody to answer.
            return 0;
        }
        catch (Exception e) when (e is XmlException or InvalidOperationException or ArgumentException)
        {
            // A reply could not be written (e.g. attributes of <rpc> that cannot be copied); the frame is
            // unusable, so the session ends.
            _server.Log.Netconf($"id={_id} cannot write a reply: {e.Message}");
            return 1;
        }
        finally
        {
            await input.CompleteAsync();
        }
    }

    private async Task<int> ServeAsync(PipeReader input)
    {
        var reader = new NetconfMessageReader(input, _server.Limits);
        await WriteMessageAsync(NetconfHello.ForServer(_id));
        if (await ReadHelloAsync(reader) is { } status)
        {
            return status;
        }

        while (true)
        {
            ReadOnlyMemory<byte>? message;
            try
            {
                message = await reader.ReadAsync(_cancellationToken);
            }
            catch (NetconfFramingException e)
            {
                _server.Log.Netconf($"id={_id} broken framing: {e.Message}");
                await WriteReplyAsync(null, RpcReply.Error(RpcErrors.From(e)));
                return 1;
            }

            if (message is not { } bytes)
            {
                return 0;
            }

            if (await HandleAsync(bytes))
            {
                return 0;
            }
        }
    }

    /// <summary>Null when the session may go on; otherwise the exit status.</summary>
    private async Task<int?> ReadHelloAsync(NetconfMessageReader reader)
    {
        ReadOnlyMemory<byte>? message;
        try
        {
            message = await reader.ReadAsync(_cancellationToken);
        }
        catch (NetconfFramingException e)
        {
            _server.Log.Netconf($"id={_id} bad hello framing: {e.Message}");
            return 1;
        }

        if (message is not { } bytes)
        {
            return 0;
        }

        XElement hello;
        try
        {
            hello = XmlInput.Load(bytes, _server.Limits.MaxXmlDepth);
        }
        catch (XmlException e)
        {
            _server.Log.Netconf($"id={_id} the client's hello is not XML: {e.Message}");
            return 1;
        }

        if (!NetconfHello.TryParseClient(hello, out var capabilities, out var problem))
        {
            _server.Log.Netconf($"id={_id} {problem}; session ended");
            return 1;
        }

        if (capabilities.Contains(NetconfXml.Base11))
        {
            _framing = NetconfFraming.Chunked;
            reader.Framing = NetconfFraming.Chunked;
        }

        _server.Log.Netconf($"id={_id} hello exchanged, {(_framing == NetconfFraming.Chunked ? "base:1.1 chunked" : "base:1.0 end-of-message")} framing");
        return null;
    }

    /// <summary>Answers one message; true when the session should end (close-session).</summary>
    private async Task<bool> HandleAsync(ReadOnlyMemory<byte> bytes)
    {
        XElement rpc;
        try
        {
            rpc = XmlInput.Load(bytes, _server.Limits.MaxXmlDepth);
        }
        catch (XmlException e)
        {
            await WriteReplyAsync(null, RpcReply.Error(RpcErrors.From(e)));
            return false;
        }

        if (rpc.Name != NetconfXml.Ns + "rpc")
        {
            await WriteReplyAsync(null, RpcReply.Error(RpcErrors.MalformedMessage($"expected <rpc> in {NetconfXml.Base}, got <{rpc.Name.LocalName}> in \"{rpc.Name.NamespaceName}\"")));
            return false;
        }

        var messageId = rpc.Attribute("message-id")?.Value;
        var operations = rpc.Elements().ToList();
        _server.Log.Netconf($"id={_id} got rpc: {(operations.Count == 1 ? operations[0].Name.LocalName : "?")} message-id=\"{messageId}\"");
        RpcReply reply;
        if (messageId is null)
        {
            reply = RpcReply.Error(RpcErrors.MissingAttribute("message-id", "rpc"));
        }
        else if (operations.Count != 1)
        {
            reply = RpcReply.Error(RpcErrors.MalformedMessage($"<rpc> must hold exactly one operation, not {operations.Count}"));
        }
        else
        {
            try
            {
                reply = _operations.Handle(operations[0]);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                reply = RpcReply.Error(RpcErrors.From(e));
            }
        }

        await WriteReplyAsync(rpc, reply);
        return _operations.CloseRequested;
    }

    /// <summary>
    /// Writes <c>&lt;rpc-reply&gt;</c> with every attribute of <c>&lt;rpc&gt;</c> (RFC 6241 section 4.2),
    /// streaming the body into the frame.
    /// </summary>
    private async Task WriteReplyAsync(XElement? rpc, RpcReply reply)
    {
        var frame = new FramedMessageStream(_channel, _framing, _server.Limits.ReplyChunkBytes, _cancellationToken);
        await using (var writer = XmlWriter.Create(frame, WriterSettings))
        {
            await writer.WriteStartDocumentAsync();
            await writer.WriteStartElementAsync(null, "rpc-reply", NetconfXml.Base);
            foreach (var attribute in rpc?.Attributes() ?? [])
            {
                await CopyAttributeAsync(writer, rpc!, attribute);
            }

            await reply.WriteBodyAsync(writer, _cancellationToken);
            await writer.WriteEndElementAsync();
            await writer.WriteEndDocumentAsync();
            await writer.FlushAsync();
        }

        await frame.CompleteAsync();
    }

    private static Task CopyAttributeAsync(XmlWriter writer, XElement rpc, XAttribute attribute)
    {
        if (attribute.IsNamespaceDeclaration)
        {
            // The reply's own default namespace is the NETCONF one; other prefixes are copied as declared.
            return attribute.Name.Namespace == XNamespace.None
                ? Task.CompletedTask
                : writer.WriteAttributeStringAsync("xmlns", attribute.Name.LocalName, XNamespace.Xmlns.NamespaceName, attribute.Value);
        }

        var ns = attribute.Name.Namespace;
        return ns == XNamespace.None
            ? writer.WriteAttributeStringAsync(null, attribute.Name.LocalName, null, attribute.Value)
            : writer.WriteAttributeStringAsync(rpc.GetPrefixOfNamespace(ns), attribute.Name.LocalName, ns.NamespaceName, attribute.Value);
    }

    private async Task WriteMessageAsync(XElement message)
    {
        var frame = new FramedMessageStream(_channel, NetconfFraming.EndOfMessage, _server.Limits.ReplyChunkBytes, _cancellationToken);
        await using (var writer = XmlWriter.Create(frame, WriterSettings))
        {
            await writer.WriteStartDocumentAsync();
            await message.WriteToAsync(writer, _cancellationToken);
            await writer.WriteEndDocumentAsync();
            await writer.FlushAsync();
        }

        await frame.CompleteAsync();
    }
}

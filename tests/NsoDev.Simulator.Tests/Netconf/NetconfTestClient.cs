using System.Buffers;
using System.Globalization;
using System.Text;
using System.Xml.Linq;
using NsoDev.Simulator.DataStore;
using NsoDev.Simulator.Netconf;

namespace NsoDev.Simulator.Tests.Netconf;

/// <summary>
/// A NETCONF client over an <see cref="InMemoryChannel"/>: it reads the server's hello, sends its
/// own (advertising :base:1.1 or only :base:1.0) and then frames like the server chose. The token it
/// is started with ends the server's session (as a stopping daemon does) and the client's own reads and writes.
/// </summary>
internal sealed class NetconfTestClient : IAsyncDisposable
{
    public static readonly XNamespace Nc = NetconfXml.Base;

    private readonly InMemoryChannel _channel;
    private readonly NetconfMessageReader _reader;
    private readonly CancellationToken _cancellationToken;

    private NetconfTestClient(InMemoryChannel channel, Task<int> session, NetconfLimits limits, CancellationToken cancellationToken)
    {
        _channel = channel;
        Session = session;
        _cancellationToken = cancellationToken;
        _reader = new NetconfMessageReader(channel.FromServer, limits with { MaxMessageBytes = int.MaxValue / 2, MaxChunkBytes = int.MaxValue / 2 });
    }

    /// <summary>The server's side: its exit status once it ends.</summary>
    public Task<int> Session { get; }

    public XElement ServerHello { get; private set; } = new("none");

    public uint SessionId => uint.Parse(ServerHello.Element(Nc + "session-id")!.Value, CultureInfo.InvariantCulture);

    public NetconfFraming Framing { get; private set; } = NetconfFraming.EndOfMessage;

    public InMemoryChannel Channel => _channel;

    /// <summary>Opens a session and exchanges hellos.</summary>
    public static async Task<NetconfTestClient> ConnectAsync(NetconfServer server, bool base11 = true, string user = "admin", CancellationToken cancellationToken = default)
    {
        var client = Start(server, user, cancellationToken);
        client.ServerHello = (await client.ReadAsync())!;
        var capabilities = base11 ? $"<capability>{NetconfXml.Base10}</capability><capability>{NetconfXml.Base11}</capability>" : $"<capability>{NetconfXml.Base10}</capability>";
        await client.SendAsync($"<?xml version=\"1.0\" encoding=\"UTF-8\"?><hello xmlns=\"{NetconfXml.Base}\"><capabilities>{capabilities}</capabilities></hello>");
        if (base11)
        {
            client.Framing = NetconfFraming.Chunked;
            client._reader.Framing = NetconfFraming.Chunked;
        }

        return client;
    }

    /// <summary>Opens a session and exchanges nothing: the test drives the bytes.</summary>
    public static NetconfTestClient Start(NetconfServer server, string user = "admin", CancellationToken cancellationToken = default)
    {
        var channel = new InMemoryChannel();
        var session = channel.ServeAsync(stream => server.RunAsync(stream, user, cancellationToken));
        return new NetconfTestClient(channel, session, server.Limits, cancellationToken);
    }

    /// <summary>Sends <c>&lt;rpc&gt;</c> around <paramref name="operation"/> and waits for the reply.</summary>
    public async Task<XElement> RpcAsync(string operation, string messageId = "1", string attributes = "")
    {
        await SendAsync($"<rpc xmlns=\"{NetconfXml.Base}\" message-id=\"{messageId}\"{attributes}>{operation}</rpc>");
        return await ReadAsync() ?? throw new InvalidOperationException("the server closed the session instead of replying");
    }

    /// <summary>Sends one message in the current framing.</summary>
    public async Task SendAsync(string xml)
    {
        var frame = new FramedMessageStream(_channel.ToServer.AsStream(leaveOpen: true), Framing, 4096, _cancellationToken);
        await frame.WriteAsync(Encoding.UTF8.GetBytes(xml), _cancellationToken);
        await frame.CompleteAsync();
    }

    public async Task SendRawAsync(string text) => await SendRawAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendRawAsync(byte[] bytes) => await _channel.ToServer.WriteAsync(bytes, _cancellationToken);

    /// <summary>The next message from the server, or null when it closed the channel.</summary>
    public async Task<XElement?> ReadAsync() =>
        await _reader.ReadAsync(_cancellationToken) is { } bytes ? XmlInput.Load(bytes) : null;

    /// <summary>The raw bytes of the next message, framing included, up to and including <paramref name="terminator"/>.</summary>
    public async Task<string> ReadRawAsync(string terminator)
    {
        var marker = Encoding.UTF8.GetBytes(terminator);
        while (true)
        {
            var result = await _channel.FromServer.ReadAsync(_cancellationToken);
            var reader = new SequenceReader<byte>(result.Buffer);
            if (reader.TryReadTo(out ReadOnlySequence<byte> before, marker))
            {
                var text = Encoding.UTF8.GetString(before.ToArray()) + terminator;
                _channel.FromServer.AdvanceTo(reader.Position);
                return text;
            }

            _channel.FromServer.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            if (result.IsCompleted)
            {
                throw new InvalidOperationException($"the server closed before sending {terminator}");
            }
        }
    }

    /// <summary>Closes the client's sending side: the server reads EOF.</summary>
    public async Task CloseOutputAsync() => await _channel.ToServer.CompleteAsync();

    public async ValueTask DisposeAsync()
    {
        await _channel.ToServer.CompleteAsync();
        await _channel.FromServer.CompleteAsync();
        await Session.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
